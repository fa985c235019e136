import { readFileSync } from 'node:fs';
import { disposeTestConfig } from '@mcp/testing';
import { gracefulShutdown } from '../src/shutdown';
import { startStack, type Stack } from './helpers/stack';

/** Opens a streaming chat and resolves once its first bytes arrived, with a reader for the rest. */
async function openStream(stack: Stack, prompt: string) {
  const res = await fetch(`${stack.baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-5.3-codex', stream: true, messages: [{ role: 'user', content: prompt }] }),
  });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = decoder.decode((await reader.read()).value);
  return {
    requestId: res.headers.get('x-request-id'),
    async rest(): Promise<{ text: string; error?: unknown }> {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return { text };
          text += decoder.decode(value);
        }
      } catch (error) {
        return { text, error };
      }
    },
  };
}

async function stopStack(stack: Stack): Promise<void> {
  await stack.fake.stop();
  disposeTestConfig(stack.config);
}

describe('graceful shutdown', () => {
  it('refuses new connections, lets an open stream finish, then flushes its trace to disk', async () => {
    const stack = await startStack({ accounts: 1, fake: { deltaIntervalMs: 25 } });
    try {
      const stream = await openStream(stack, 'long 20');
      const shutdown = gracefulShutdown(stack.app, 10_000);
      await expect(fetch(`${stack.baseUrl}/health`)).rejects.toThrow();
      const { text, error } = await stream.rest();
      expect(error).toBeUndefined();
      expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
      await expect(shutdown).resolves.toEqual({ drained: true });
      const traces = readFileSync(stack.config.traceFilePath, 'utf8').trim().split('\n');
      expect(traces.map((line) => JSON.parse(line).id)).toContain(stream.requestId);
    } finally {
      await stopStack(stack);
    }
  });

  it('closes streams still open when the grace period is over', async () => {
    const stack = await startStack({ accounts: 1, fake: { deltaIntervalMs: 200 } });
    try {
      const stream = await openStream(stack, 'long 50');
      await expect(gracefulShutdown(stack.app, 300)).resolves.toEqual({ drained: false });
      const { text } = await stream.rest();
      expect(text).not.toContain('data: [DONE]');
    } finally {
      await stopStack(stack);
    }
  });
});
