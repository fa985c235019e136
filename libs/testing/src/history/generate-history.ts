import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { costUsd } from '@mcp/codex';
import type { FinishReason, StatsRecord } from '@mcp/contracts';

export interface GenerateHistoryOptions {
  count: number;
  /** Finish time of the first record (epoch ms). Default 2025-01-01T00:00:00Z. */
  startAt?: number;
  /** Time the records spread over. Default 90 days. */
  spanMs?: number;
  /** Same seed, same records. */
  seed?: number;
}

type Weighted<T> = readonly (readonly [T, number])[];

// Skewed like real traffic: a few accounts, routes, models and keys carry most requests.
const ACCOUNTS: Weighted<string | null> = [
  ['acc_alpha', 40],
  ['acc_beta', 30],
  ['acc_gamma', 20],
  ['acc_delta', 9],
  [null, 1],
];
const ROUTES: Weighted<string> = [
  ['/v1/chat/completions', 60],
  ['/v1/responses', 35],
  ['/v1/responses/compact', 5],
];
const MODELS: Weighted<string> = [
  ['gpt-5.3-codex', 50],
  ['gpt-5.2-codex', 25],
  ['gpt-5-codex', 15],
  ['gpt-5.1-codex-mini', 9],
  ['experimental-unpriced', 1],
];
const KEYS: Weighted<string | null> = [
  ['key_team', 50],
  ['key_ci', 30],
  ['key_bot', 15],
  [null, 5],
];
const STATUSES: Weighted<number> = [
  [200, 90],
  [429, 3],
  [400, 2],
  [499, 2],
  [502, 2],
  [503, 1],
];

/** A small deterministic PRNG (mulberry32): the same seed always yields the same history. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function pick<T>(rand: () => number, table: Weighted<T>): T {
  const total = table.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = rand() * total;
  for (const [value, weight] of table) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return table[table.length - 1]![0];
}

/**
 * N plausible stats-history records, appended in finish order like the proxy writes them (so
 * `at`, the start time, is only nearly sorted). Shared by the specs and the benchmark.
 */
export function* generateHistory(options: GenerateHistoryOptions): Generator<StatsRecord> {
  const rand = random(options.seed ?? 1);
  const startAt = options.startAt ?? Date.UTC(2025, 0, 1);
  const step = (options.spanMs ?? 90 * 86_400_000) / Math.max(1, options.count);
  for (let i = 0; i < options.count; i++) {
    const status = pick(rand, STATUSES);
    const ok = status < 400;
    const stream = rand() < 0.6;
    const latencyMs = Math.round(80 + rand() ** 3 * 30_000);
    const model = pick(rand, MODELS);
    const tokensInput = ok ? Math.round(200 + rand() * 20_000) : 0;
    const tokensInputCached = Math.round(tokensInput * rand() * 0.8);
    const tokensOutput = ok ? Math.round(10 + rand() * 3000) : 0;
    const tokensReasoning = Math.round(tokensOutput * rand() * 0.5);
    const finishedAt = Math.round(startAt + i * step);
    yield {
      id: `gen-${options.seed ?? 1}-${i}`,
      at: finishedAt - latencyMs,
      route: pick(rand, ROUTES),
      method: 'POST',
      accountId: pick(rand, ACCOUNTS),
      clientKeyId: pick(rand, KEYS),
      model,
      status,
      isError: !ok,
      stream,
      latencyMs,
      ttfbMs: ok ? Math.round(latencyMs * (0.05 + rand() * 0.3)) : null,
      tokensInput,
      tokensInputCached,
      tokensOutput,
      tokensReasoning,
      tokensTotal: tokensInput + tokensOutput,
      costUsd: costUsd(model, { input: tokensInput, cached: tokensInputCached, output: tokensOutput }),
      finishReason: (ok ? 'stop' : null) as FinishReason,
    };
  }
}

/** Writes a generated history as JSONL (what the proxy would have appended); resolves with the bytes written. */
export async function writeHistoryFile(path: string, options: GenerateHistoryOptions): Promise<number> {
  const out = createWriteStream(path, { mode: 0o600 });
  let bytes = 0;
  let batch: string[] = [];
  const drain = async (): Promise<void> => {
    const text = batch.join('');
    batch = [];
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  for (const record of generateHistory(options)) {
    batch.push(`${JSON.stringify(record)}\n`);
    if (batch.length >= 1000) await drain();
  }
  await drain();
  out.end();
  await once(out, 'finish');
  return bytes;
}
