import Anthropic from '@anthropic-ai/sdk';
import type { Stack } from '../helpers/stack';

/** A client key created through the admin API, as a team would hand one out. */
export async function createClientKey(stack: Stack, name: string): Promise<{ id: string; secret: string }> {
  const response = await fetch(`${stack.baseUrl}/admin/api-keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-admin-token': stack.adminToken },
    body: JSON.stringify({ name }),
  });
  if (response.status !== 201 && response.status !== 200) throw new Error(`key creation failed: ${response.status}`);
  const body = (await response.json()) as { key: { id: string }; secret: string };
  return { id: body.key.id, secret: body.secret };
}

/** Anthropic's official SDK pointed at the gateway (it sends the key as x-api-key); no retries. */
export function anthropic(stack: Stack, apiKey: string): Anthropic {
  return new Anthropic({ baseURL: stack.baseUrl, apiKey, maxRetries: 0 });
}

export async function admin<T>(
  stack: Stack,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${stack.baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-admin-token': stack.adminToken },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}
