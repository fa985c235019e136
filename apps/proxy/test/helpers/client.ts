import OpenAI from 'openai';
import type { TraceRecord } from '@mcp/contracts';
import { eventually } from '@mcp/testing';
import type { Stack } from './stack';

/** The official SDK pointed at the gateway; no retries, so every status the gateway sends is what the test sees. */
export function openai(stack: Stack): OpenAI {
  return new OpenAI({ baseURL: `${stack.baseUrl}/v1`, apiKey: 'x', maxRetries: 0 });
}

/** POST JSON with plain fetch (the route the tests pick, headers as given). */
export function postJson(
  stack: Stack,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${stack.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer x', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

// The one polling helper lives in @mcp/testing; the specs that import it from here keep working.
export { eventually };

/** The trace of a request, by the x-request-id the gateway returned, through the admin API. */
export function traceOf(stack: Stack, requestId: string | null): Promise<TraceRecord> {
  if (!requestId) throw new Error('the response had no x-request-id');
  return eventually(async () => {
    const response = await fetch(`${stack.baseUrl}/admin/traces/${requestId}`, {
      headers: { 'x-admin-token': stack.adminToken },
    });
    if (response.status !== 200) return undefined;
    return ((await response.json()) as { trace: TraceRecord }).trace;
  });
}

/** A 1×1 PNG as a data URL. */
export const TINY_PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
