import type { WhamUsage, WhamWindow } from '../backend-api';

/**
 * The pool's windows as a `codex.rate_limits` event, the way the backend tells a socket client its quota (a socket
 * has no per-request headers): Codex records it for `/status`. Same view as the prefix's `x-codex-*` headers
 * (§13.4): the account this session would be routed to next; nothing names an account.
 */
export function poolRateLimitsFrame(usage: Omit<WhamUsage, 'pool'>): string {
  const slot = (window: WhamWindow | null) =>
    window
      ? {
          used_percent: window.used_percent,
          window_minutes: Math.round(window.limit_window_seconds / 60),
          reset_at: window.reset_at,
        }
      : null;
  return JSON.stringify({
    type: 'codex.rate_limits',
    plan_type: usage.plan_type,
    rate_limits: { primary: slot(usage.rate_limit.primary_window), secondary: slot(usage.rate_limit.secondary_window) },
    credits: usage.credits,
  });
}
