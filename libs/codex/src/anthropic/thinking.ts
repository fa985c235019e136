import type { EffortLevel } from '../constants';
import { isRecord, type JsonObject } from '../json';
import { invalid } from './content';

/**
 * `thinking.budget_tokens` (the older form) → reasoning effort, by these documented thresholds:
 * below 4,096 → low; below 16,384 → medium; below 32,768 → high; from 32,768 → xhigh. §2.3 clamping follows.
 */
const BUDGET_THRESHOLDS: ReadonlyArray<[number, EffortLevel]> = [
  [4096, 'low'],
  [16_384, 'medium'],
  [32_768, 'high'],
];

/** `output_config.effort` names → upstream effort: the same words, and Anthropic's `max` is our highest, xhigh. */
const EFFORT_NAMES: Record<string, EffortLevel> = {
  low: 'low',
  medium: 'medium',
  high: 'high',
  xhigh: 'xhigh',
  max: 'xhigh',
};

export function effortForBudget(budget: number): EffortLevel {
  return BUDGET_THRESHOLDS.find(([below]) => budget < below)?.[1] ?? 'xhigh';
}

function effortOf(outputConfig: JsonObject | undefined): EffortLevel | undefined {
  const effort = outputConfig?.['effort'];
  if (effort === undefined || effort === null) return undefined;
  const mapped = typeof effort === 'string' ? EFFORT_NAMES[effort] : undefined;
  if (!mapped) {
    throw invalid(
      `output_config.effort: ${JSON.stringify(effort)} is not one of 'low', 'medium', 'high', 'xhigh', 'max'.`,
      'output_config.effort',
    );
  }
  return mapped;
}

function budgetEffort(thinking: JsonObject): EffortLevel {
  const budget = thinking['budget_tokens'];
  if (typeof budget !== 'number' || !Number.isInteger(budget) || budget < 1) {
    throw invalid('thinking.budget_tokens: must be a positive integer.', 'thinking.budget_tokens');
  }
  return effortForBudget(budget);
}

/**
 * `thinking` + `output_config.effort` → `reasoning`. The effort of output_config wins (Claude Code 2.x sends
 * `thinking:{type:"adaptive"}` with it); with thinking on we ask for reasoning summaries, which become `thinking`
 * blocks. Disabled or absent thinking leaves the model's default effort and exposes no reasoning.
 */
export function reasoningFor(
  thinking: unknown,
  outputConfig: JsonObject | undefined,
): { reasoning: JsonObject | undefined; thinking: boolean } {
  const configured = effortOf(outputConfig);
  if (thinking === undefined || thinking === null) return { reasoning: effortOnly(configured), thinking: false };
  if (!isRecord(thinking)) throw invalid('thinking: expected an object.', 'thinking');
  const type = thinking['type'];
  if (type === 'disabled') return { reasoning: effortOnly(configured), thinking: false };
  if (type !== 'enabled' && type !== 'adaptive') {
    throw invalid(
      `thinking.type: ${JSON.stringify(type)} is not one of 'enabled', 'adaptive', 'disabled'.`,
      'thinking.type',
    );
  }
  const effort = configured ?? (type === 'enabled' ? budgetEffort(thinking) : undefined);
  const omitted = thinking['display'] === 'omitted';
  const reasoning: JsonObject = omitted ? {} : { summary: 'auto' };
  if (effort) reasoning['effort'] = effort;
  return { reasoning: Object.keys(reasoning).length > 0 ? reasoning : undefined, thinking: true };
}

function effortOnly(effort: EffortLevel | undefined): JsonObject | undefined {
  return effort ? { effort } : undefined;
}
