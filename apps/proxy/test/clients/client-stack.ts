import type { CliRun } from '../helpers/processes';
import { startStack, type Stack } from '../helpers/stack';

/** The model every client asks for: one the emulator's catalogue lists. */
export const MODEL = 'gpt-5.3-codex';

/**
 * The gateway and the emulator, the emulator ending every stream the way the Codex backend does: a terminal
 * `response.completed` whose `output` is empty (PROTOCOL.md §3.5). Clients take their final objects from that event,
 * so each suite here fails if the gateway ever relays it unchanged again.
 */
export async function startClientStack(accounts = 1, env: Record<string, string> = {}): Promise<Stack> {
  const stack = await startStack({ accounts, env });
  stack.fake.options.emptyCompletedOutput = true;
  // Many requests per suite: none of them may run an account out of quota.
  stack.fake.options.defaultPercentPerRequest = 0;
  return stack;
}

/** The last stdout line of a client script, which prints its findings as one JSON object. */
export function resultOf<T>(run: CliRun): T {
  const line = run.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(`the client script printed no JSON result (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
}
