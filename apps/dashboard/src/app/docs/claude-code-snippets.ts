/** What the Claude Code set-up needs: this server's address and whether a client key is required. */
export interface ClaudeCodeContext {
  origin: string;
  keysRequired: boolean;
}

/** Claude Code reads these at start; ANTHROPIC_BASE_URL is the server root (Claude Code adds /v1/messages). */
export function claudeCodeEnv(ctx: ClaudeCodeContext): string {
  const key = ctx.keysRequired ? '<your client key>' : 'any-value';
  return [
    `export ANTHROPIC_BASE_URL=${ctx.origin}`,
    `export ANTHROPIC_API_KEY=${key}`,
    '# No telemetry or update checks to Anthropic: every request goes to this server.',
    'export CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1',
  ].join('\n');
}

export const CLAUDE_CODE_USAGE = [
  'claude                          # interactive, as usual',
  'claude -p "explain this repo"   # one answer, then exit',
  'claude --model claude-haiku-4-5 # a family the model map sends to a smaller Codex model',
].join('\n');

/** One editable line of the map. */
export interface MapRow {
  key: string;
  model: string;
}

/** Exact names first (they win), then the families in the usual order, `default` last: the order the rules apply. */
export function mapRows(map: Record<string, string>): MapRow[] {
  const rank = (key: string) => ['opus', 'sonnet', 'haiku', 'default'].indexOf(key);
  return Object.entries(map)
    .map(([key, model]) => ({ key, model }))
    .sort((a, b) => {
      const [ra, rb] = [rank(a.key), rank(b.key)];
      if (ra !== -1 && rb !== -1) return ra - rb;
      if (ra !== -1 || rb !== -1) return ra === -1 ? -1 : 1;
      return a.key.localeCompare(b.key);
    });
}

/** The rows as the PUT body's map; blank rows are dropped. */
export function rowsToMap(rows: readonly MapRow[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const row of rows) if (row.key.trim() !== '' || row.model.trim() !== '') map[row.key.trim()] = row.model.trim();
  return map;
}
