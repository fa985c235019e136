import { EFFORT_LEVELS, type EffortLevel } from './constants';
import { ClientRequestError } from './errors';
import { isRecord } from './json';

function isEffort(value: string): value is EffortLevel {
  return (EFFORT_LEVELS as readonly string[]).includes(value);
}

/** The model id after the last `/`, lower-cased (§2.3). */
export function bareModelId(model: string): string {
  return (model.split('/').pop() ?? model).trim().toLowerCase();
}

/** Validates an effort value; anything outside the six upstream values is the client's error (§2.3). */
export function parseEffort(effort: unknown, param = 'reasoning.effort'): EffortLevel | undefined {
  if (effort === undefined || effort === null) return undefined;
  const value = typeof effort === 'string' ? effort.trim().toLowerCase() : undefined;
  if (value === undefined || !isEffort(value)) {
    throw new ClientRequestError(
      `Invalid value for '${param}': ${JSON.stringify(effort)}. Supported values are: ${EFFORT_LEVELS.map((l) => `'${l}'`).join(', ')}.`,
      { code: 'invalid_value', param },
    );
  }
  return value;
}

/** Nearest supported level above the requested one, else the nearest below (§2.3 rule 1). */
function clampToSupported(effort: EffortLevel, supported: EffortLevel[]): EffortLevel {
  if (supported.includes(effort)) return effort;
  const rank = EFFORT_LEVELS.indexOf(effort);
  const ranked = supported.map((level) => EFFORT_LEVELS.indexOf(level)).sort((a, b) => a - b);
  const above = ranked.find((r) => r > rank);
  const below = ranked.filter((r) => r < rank).pop();
  return EFFORT_LEVELS[above ?? below ?? rank] ?? effort;
}

/** Catalogue levels come as strings or as upstream's `{effort, description}` objects. */
function levelName(level: unknown): string | undefined {
  if (typeof level === 'string') return level;
  const effort = isRecord(level) ? level['effort'] : undefined;
  return typeof effort === 'string' ? effort : undefined;
}

/** The fallback table of §2.3 rule 2, for models whose catalogue entry lists no levels. */
function clampByFamily(model: string, effort: EffortLevel): EffortLevel {
  if ((model.startsWith('gpt-5.2') || model.startsWith('gpt-5.3')) && effort === 'minimal') return 'low';
  if (model === 'gpt-5.1' && effort === 'xhigh') return 'high';
  if (model === 'gpt-5.1-codex-mini') return effort === 'high' || effort === 'xhigh' ? 'high' : 'medium';
  return effort;
}

/**
 * The effort we send upstream for `model` (§2.3). Undefined stays undefined (upstream uses the model default).
 * Throws ClientRequestError (param `reasoning.effort`) for a value outside the six upstream levels.
 */
export function clampEffort(
  model: string,
  effort: unknown,
  supportedLevels?: readonly unknown[],
): EffortLevel | undefined {
  const requested = parseEffort(effort);
  if (requested === undefined) return undefined;
  const supported = (supportedLevels ?? [])
    .map((level) => levelName(level)?.toLowerCase())
    .filter((level): level is EffortLevel => level !== undefined && isEffort(level));
  if (supported.length > 0) return clampToSupported(requested, supported);
  return clampByFamily(bareModelId(model), requested);
}
