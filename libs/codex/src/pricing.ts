import { bareModelId } from './effort';
import { isRecord, tryParseJson } from './json';

/** USD per 1 M tokens. */
export interface ModelRates {
  input: number;
  cached: number;
  output: number;
}

export type PricingTable = Record<string, ModelRates>;

/**
 * Estimates from OpenAI's public API list prices; subscription traffic is not billed per token, so these only give
 * an order of magnitude. Keys match exactly or as the longest prefix of the model id (§10.6).
 */
export const DEFAULT_RATES: PricingTable = {
  'gpt-5': { input: 1.25, cached: 0.125, output: 10 },
  'gpt-5-codex': { input: 1.25, cached: 0.125, output: 10 },
  'gpt-5-mini': { input: 0.25, cached: 0.025, output: 2 },
  'gpt-5-nano': { input: 0.05, cached: 0.005, output: 0.4 },
  'gpt-5-pro': { input: 15, cached: 15, output: 120 },
  'gpt-5.1': { input: 1.25, cached: 0.125, output: 10 },
  'gpt-5.1-codex': { input: 1.25, cached: 0.125, output: 10 },
  'gpt-5.1-codex-max': { input: 1.25, cached: 0.125, output: 10 },
  'gpt-5.1-codex-mini': { input: 0.25, cached: 0.025, output: 2 },
  'gpt-5.2': { input: 1.75, cached: 0.175, output: 14 },
  'gpt-5.2-codex': { input: 1.75, cached: 0.175, output: 14 },
  'gpt-5.3-codex': { input: 1.75, cached: 0.175, output: 14 },
  'codex-mini': { input: 1.5, cached: 0.375, output: 6 },
  'gpt-4.1': { input: 2, cached: 0.5, output: 8 },
  'gpt-4.1-mini': { input: 0.4, cached: 0.1, output: 1.6 },
  'gpt-4o': { input: 2.5, cached: 1.25, output: 10 },
  o3: { input: 2, cached: 0.5, output: 8 },
  'o4-mini': { input: 1.1, cached: 0.275, output: 4.4 },
};

/** Small variants of a family we do not list yet are priced like the generic small model, not the big one. */
const VARIANT_FALLBACK: Record<string, string> = { mini: 'gpt-5-mini', nano: 'gpt-5-nano' };

function lookup(id: string, table: PricingTable): ModelRates | undefined {
  const exact = table[id];
  if (exact) return exact;
  const best = Object.keys(table)
    .filter((key) => id.startsWith(key))
    .sort((a, b) => b.length - a.length)[0];
  if (best === undefined) return undefined;
  const variant = /-(mini|nano)(\b|-|$)/.exec(id)?.[1];
  const fallbackKey = variant !== undefined && !best.includes(variant) ? VARIANT_FALLBACK[variant] : undefined;
  return fallbackKey !== undefined ? table[fallbackKey] : table[best];
}

/** The rates for a model: overrides first (exact, then prefix), then the built-in table. */
export function ratesFor(model: string, overrides?: PricingTable): ModelRates | undefined {
  const id = bareModelId(model);
  return (overrides ? lookup(id, overrides) : undefined) ?? lookup(id, DEFAULT_RATES);
}

function tokens(value: number | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

/**
 * `((input − cached) × in + cached × cachedIn + output × out) / 1e6` (§10.6). Reasoning is already inside output.
 * Null for an unknown model.
 */
export function costUsd(
  model: string | null | undefined,
  usage: { input: number; cached?: number; output: number },
  overrides?: PricingTable,
): number | null {
  if (!model) return null;
  const rates = ratesFor(model, overrides);
  if (!rates) return null;
  const input = tokens(usage.input);
  const cached = Math.min(tokens(usage.cached), input);
  const cost = ((input - cached) * rates.input + cached * rates.cached + tokens(usage.output) * rates.output) / 1e6;
  return Math.round(cost * 1e9) / 1e9;
}

function rate(entry: Record<string, unknown>, keys: string[], model: string): number | undefined {
  const key = keys.find((k) => entry[k] !== undefined);
  if (key === undefined) return undefined;
  const value = entry[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`pricing override for '${model}': '${key}' must be a non-negative number`);
  }
  return value;
}

/**
 * Parses a JSON pricing override, e.g. `{"gpt-5.3-codex":{"input":1.75,"cached":0.175,"output":14}}`
 * (`cachedInput` / `cached_input` also accepted; a missing cached rate means no cache discount).
 * Empty input gives an empty table; anything malformed throws an Error that says what is wrong.
 */
export function parsePricingOverrides(json: string | null | undefined): PricingTable {
  if (json === undefined || json === null || json.trim() === '') return {};
  const parsed = tryParseJson(json);
  if (!isRecord(parsed)) throw new Error('pricing overrides must be a JSON object keyed by model id');
  const table: PricingTable = {};
  for (const [model, entry] of Object.entries(parsed)) {
    if (!isRecord(entry)) throw new Error(`pricing override for '${model}' must be an object`);
    const input = rate(entry, ['input'], model);
    const output = rate(entry, ['output'], model);
    if (input === undefined || output === undefined) {
      throw new Error(`pricing override for '${model}' needs 'input' and 'output' (USD per 1M tokens)`);
    }
    const cached = rate(entry, ['cached', 'cachedInput', 'cached_input'], model) ?? input;
    table[bareModelId(model)] = { input, cached, output };
  }
  return table;
}
