// Writes a realistic stats history (one StatsRecord per line, PROTOCOL.md §10.5) as fast as the
// disk takes it: the proxy's startup and stats queries are measured over it.
import { Buffer } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const DAY_MS = 86_400_000;
const BATCH = 5000;

// A few accounts, routes, models and keys carry most of the traffic, as in real use.
const ACCOUNTS = [
  ['acc_9f2c41d07e', 38],
  ['acc_5b7e0a913c', 27],
  ['acc_c81d6f2a44', 20],
  ['acc_2e94b3c7d1', 14],
  [null, 1],
];
const ROUTES = [
  ['/v1/responses', 55],
  ['/v1/chat/completions', 40],
  ['/v1/responses/compact', 5],
];
const MODELS = [
  ['gpt-5.3-codex', 45],
  ['gpt-5.2-codex', 25],
  ['gpt-5-codex', 15],
  ['gpt-5.1-codex-mini', 12],
  ['gpt-next-preview', 3],
];
const KEYS = [
  ['team', 50],
  ['ci', 25],
  ['scripts', 15],
  [null, 10],
];
const STATUSES = [
  [200, 93],
  [429, 2],
  [400, 1.5],
  [499, 2],
  [502, 1],
  [503, 0.5],
];
// Illustrative USD per 1 M tokens (input, cached input, output); an unpriced model costs null.
const RATES = {
  'gpt-5.3-codex': [1.75, 0.175, 14],
  'gpt-5.2-codex': [1.5, 0.15, 12],
  'gpt-5-codex': [1.25, 0.125, 10],
  'gpt-5.1-codex-mini': [0.25, 0.025, 2],
};

/** mulberry32: the same seed, the same history. */
function prng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function chooser(rand, table) {
  const total = table.reduce((sum, [, w]) => sum + w, 0);
  return () => {
    let roll = rand() * total;
    for (const [value, weight] of table) if ((roll -= weight) < 0) return value;
    return table[table.length - 1][0];
  };
}

function cost(model, input, cached, output) {
  const rate = RATES[model];
  if (!rate) return null;
  return Math.round((((input - cached) * rate[0] + cached * rate[1] + output * rate[2]) / 1e6) * 1e6) / 1e6;
}

const str = (value) => (value === null ? 'null' : `"${value}"`);

/**
 * Record `i` of `count` as a JSON line, finishing in order over `spanMs` up to `endAt`. Written by
 * hand rather than with JSON.stringify (twice as fast): every string comes from the tables above.
 */
function recordLine(pick, rand, i, count, endAt, spanMs) {
  const status = pick.status();
  const ok = status < 400;
  const model = pick.model();
  const latencyMs = Math.round(300 + rand() ** 3 * 60_000);
  const input = ok ? Math.round(500 + rand() ** 2 * 60_000) : 0;
  const cached = Math.round(input * rand() * 0.85);
  const output = ok ? Math.round(20 + rand() ** 2 * 4000) : 0;
  const finishedAt = Math.round(endAt - spanMs + (i * spanMs) / count);
  return (
    `{"id":"${randomUUID()}","at":${finishedAt - latencyMs},"route":"${pick.route()}","method":"POST",` +
    `"accountId":${str(pick.account())},"clientKeyId":${str(pick.key())},"model":"${model}",` +
    `"status":${status},"isError":${!ok},"stream":${rand() < 0.7},"latencyMs":${latencyMs},` +
    `"ttfbMs":${ok ? Math.round(latencyMs * (0.03 + rand() * 0.2)) : null},"tokensInput":${input},` +
    `"tokensInputCached":${cached},"tokensOutput":${output},"tokensReasoning":${Math.round(output * rand() * 0.6)},` +
    `"tokensTotal":${input + output},"costUsd":${ok ? cost(model, input, cached, output) : null},` +
    `"finishReason":${ok ? (rand() < 0.8 ? '"stop"' : '"tool_calls"') : null}}\n`
  );
}

/** Writes `count` records spread over `days` days ending now; resolves with the bytes written. */
export async function writeHistory(path, { count, days = 90, seed = 11 }) {
  const rand = prng(seed);
  const pick = {
    status: chooser(rand, STATUSES),
    model: chooser(rand, MODELS),
    route: chooser(rand, ROUTES),
    account: chooser(rand, ACCOUNTS),
    key: chooser(rand, KEYS),
  };
  const endAt = Date.now();
  const out = createWriteStream(path, { mode: 0o600 });
  let bytes = 0;
  for (let start = 0; start < count; start += BATCH) {
    const lines = [];
    const end = Math.min(count, start + BATCH);
    for (let i = start; i < end; i++) lines.push(recordLine(pick, rand, i, count, endAt, days * DAY_MS));
    const text = lines.join('');
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { bytes, firstAt: endAt - days * DAY_MS, lastAt: endAt };
}
