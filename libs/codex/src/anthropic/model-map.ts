/**
 * Which Codex model serves an Anthropic model name (PROTOCOL.md §14). The map's keys are `default`, a family word
 * (`opus`, `sonnet`, `haiku`, or any other) or an exact client model name; the values are Codex model ids.
 */
export type AnthropicModelMap = Readonly<Record<string, string>>;

export const DEFAULT_MODEL_KEY = 'default';

/** Claude Code may add a context-window marker such as `[1m]` to a model name; it is not part of the id. */
function bareName(model: string): string {
  return model
    .trim()
    .replace(/\[[^\]]*\]$/, '')
    .toLowerCase();
}

function isClaudeName(name: string): boolean {
  const bare = name.slice(name.lastIndexOf('/') + 1);
  return bare.startsWith('claude');
}

/**
 * The upstream model for `model`: an exact key first, then for a `claude-*` name the first family word found among
 * its `-`/`.` separated words, then `default`; any other name (a Codex model id) is used as it is.
 */
export function resolveAnthropicModel(model: string, map: AnthropicModelMap): string {
  const name = bareName(model);
  const exact = map[name];
  if (exact !== undefined) return exact;
  if (!isClaudeName(name)) return model.trim();
  const words = new Set(name.split(/[-./_]/));
  for (const [key, target] of Object.entries(map)) {
    if (key !== DEFAULT_MODEL_KEY && words.has(key)) return target;
  }
  return map[DEFAULT_MODEL_KEY] ?? model.trim();
}
