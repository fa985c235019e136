/**
 * ANTHROPIC_MODEL_MAP (PROTOCOL.md §14): which Codex model serves an Anthropic model name.
 * Syntax: comma-separated `key=model` pairs (`→` works too), e.g. `opus=gpt-5.4,sonnet=gpt-5.4,haiku=gpt-5.4-mini`.
 * A key is `default`, a family word found in `claude-*` names (`opus`, `sonnet`, `haiku`, …) or an exact client
 * model name. Entries are laid over the defaults below, so naming one family keeps the others.
 */
export const DEFAULT_ANTHROPIC_MODEL_MAP: Readonly<Record<string, string>> = {
  opus: 'gpt-5.3-codex',
  sonnet: 'gpt-5.3-codex',
  haiku: 'gpt-5.1-codex-mini',
  default: 'gpt-5.3-codex',
};

const KEY = /^[a-z0-9][a-z0-9._\-[\]]*$/;
const MODEL = /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/;
export const MAX_MODEL_MAP_ENTRIES = 50;

/** Problems with one entry, keyed by the entry's key (or its position), for admin field errors. */
export type ModelMapProblems = Record<string, string>;

/** Checks a map given as an object (the admin API's form); returns the lower-cased map or the problems. */
export function validateModelMap(entries: Record<string, unknown>): {
  map?: Record<string, string>;
  problems: ModelMapProblems;
} {
  const problems: ModelMapProblems = {};
  const map: Record<string, string> = {};
  const keys = Object.keys(entries);
  if (keys.length > MAX_MODEL_MAP_ENTRIES) problems['map'] = `at most ${MAX_MODEL_MAP_ENTRIES} entries`;
  for (const rawKey of keys) {
    const key = rawKey.trim().toLowerCase();
    const value = entries[rawKey];
    if (!KEY.test(key) || key.length > 100) problems[rawKey] = 'the key must be default, a family word or a model name';
    else if (typeof value !== 'string' || !MODEL.test(value.trim()) || value.length > 200)
      problems[rawKey] = 'the value must be a Codex model id';
    else if (key in map) problems[rawKey] = 'appears twice';
    else map[key] = value.trim();
  }
  return Object.keys(problems).length > 0 ? { problems } : { map, problems };
}

/** Parses the variable's text over the defaults; a list of problems (naming the variable) when it is malformed. */
export function parseModelMap(
  text: string | undefined,
  variable = 'ANTHROPIC_MODEL_MAP',
): { map: Record<string, string>; errors: string[] } {
  if (text === undefined || text.trim() === '') return { map: { ...DEFAULT_ANTHROPIC_MODEL_MAP }, errors: [] };
  const entries: Record<string, string> = {};
  const errors: string[] = [];
  for (const pair of text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const match = /^([^=→]+)(?:=|→)(.+)$/.exec(pair);
    if (!match) {
      errors.push(`${variable} entries must look like key=model, e.g. opus=gpt-5.4 (got "${pair}")`);
      continue;
    }
    const key = match[1]!.trim();
    if (key.toLowerCase() in entries) errors.push(`${variable} names "${key}" twice`);
    entries[key.toLowerCase()] = match[2]!.trim();
  }
  const checked = validateModelMap(entries);
  for (const [key, problem] of Object.entries(checked.problems)) errors.push(`${variable} entry "${key}": ${problem}`);
  return { map: { ...DEFAULT_ANTHROPIC_MODEL_MAP, ...(checked.map ?? {}) }, errors };
}
