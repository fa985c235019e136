import { finiteNumber, isRecord } from './json';

/** Token counts as we record them (PROTOCOL.md §3.4): cached ⊂ input, reasoning ⊂ output. */
export interface TokenUsage {
  input: number;
  cached: number;
  output: number;
  reasoning: number;
  total: number;
}

function count(value: unknown): number {
  const n = finiteNumber(value);
  return n === undefined || n < 0 ? 0 : Math.round(n);
}

/** Upstream `usage` → counts. Missing details are 0 and a missing total is input + output. Undefined when absent. */
export function normalizeUsage(usage: unknown): TokenUsage | undefined {
  if (!isRecord(usage)) return undefined;
  const inputDetails = isRecord(usage['input_tokens_details']) ? usage['input_tokens_details'] : {};
  const outputDetails = isRecord(usage['output_tokens_details']) ? usage['output_tokens_details'] : {};
  const input = count(usage['input_tokens']);
  const output = count(usage['output_tokens']);
  const total = finiteNumber(usage['total_tokens']);
  return {
    input,
    cached: Math.min(count(inputDetails['cached_tokens']), input),
    output,
    reasoning: Math.min(count(outputDetails['reasoning_tokens']), output),
    total: total === undefined ? input + output : count(total),
  };
}

export const ZERO_USAGE: TokenUsage = { input: 0, cached: 0, output: 0, reasoning: 0, total: 0 };

/** Counts in the Responses API shape, for a native aggregate that lacked usage. */
export function responsesUsage(t: TokenUsage): Record<string, unknown> {
  return {
    input_tokens: t.input,
    input_tokens_details: { cached_tokens: t.cached },
    output_tokens: t.output,
    output_tokens_details: { reasoning_tokens: t.reasoning },
    total_tokens: t.total,
  };
}

/** Counts in the Chat Completions shape (§5.5). */
export function chatUsage(t: TokenUsage): Record<string, unknown> {
  return {
    prompt_tokens: t.input,
    completion_tokens: t.output,
    total_tokens: t.total,
    prompt_tokens_details: { cached_tokens: t.cached },
    completion_tokens_details: { reasoning_tokens: t.reasoning },
  };
}
