import { type OAuthFlow, createPkce, pkceChallenge, tidyFlows, toFlowView } from '@mcp/oauth';
import { createHash } from 'node:crypto';

const NOW = Date.UTC(2025, 0, 15, 12);
const HOUR = 3_600_000;

function flow(id: string, parts: Partial<OAuthFlow> = {}): OAuthFlow {
  return {
    id,
    method: 'browser',
    status: 'pending',
    codeVerifier: `verifier-${id}`,
    createdAt: NOW - HOUR,
    expiresAt: NOW + HOUR,
    ...parts,
  };
}

describe('PKCE', () => {
  it('makes a 43-character base64url verifier and its S256 challenge', () => {
    const { verifier, challenge } = createPkce();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(challenge).toBe(createHash('sha256').update(verifier).digest('base64url'));
    expect(challenge).not.toContain('=');
    expect(createPkce().verifier).not.toBe(verifier);
  });

  it('matches the RFC 7636 example', () => {
    expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });
});

describe('tidyFlows', () => {
  it('marks pending flows past their expiry as expired and drops their verifier', () => {
    const { flows, changed } = tidyFlows([flow('late', { expiresAt: NOW - 1 }), flow('open')], NOW);
    expect(changed).toBe(true);
    expect(flows.find((f) => f.id === 'late')).toMatchObject({ status: 'expired', completedAt: NOW });
    expect(flows.find((f) => f.id === 'late')?.codeVerifier).toBeUndefined();
    expect(flows.find((f) => f.id === 'open')?.status).toBe('pending');
  });

  it('prunes finished flows older than 24 h and keeps the 200 newest, newest first', () => {
    const old = flow('old', { status: 'success', completedAt: NOW - 25 * HOUR, createdAt: NOW - 26 * HOUR });
    const recent = flow('recent', { status: 'error', completedAt: NOW - 23 * HOUR, createdAt: NOW - 24 * HOUR });
    const many = Array.from({ length: 205 }, (_, i) => flow(`f${i}`, { createdAt: NOW - i }));
    const { flows } = tidyFlows([old, recent, ...many], NOW);
    expect(flows).toHaveLength(200);
    expect(flows[0]?.id).toBe('f0');
    expect(flows.some((f) => f.id === 'old')).toBe(false);
    expect(tidyFlows([old, recent], NOW).flows.map((f) => f.id)).toEqual(['recent']);
  });

  it('reports no change when nothing needed tidying', () => {
    expect(tidyFlows([flow('a')], NOW).changed).toBe(false);
  });

  it('shows flows without the verifier or the device id', () => {
    const view = toFlowView(flow('d', { method: 'device', deviceAuthId: 'deviceauth_x', userCode: 'ABCD-1234' }));
    expect(view).not.toHaveProperty('codeVerifier');
    expect(view).not.toHaveProperty('deviceAuthId');
    expect(view.userCode).toBe('ABCD-1234');
  });
});
