// A Claude Code 2.1 request in the shape captured from the real CLI (PROTOCOL.md §14), shortened, for specs only.
const SESSION = '4af968cf-1915-42c5-b969-7b991ac14c0a';

export const CLAUDE_CODE_SESSION = SESSION;

export const CLAUDE_CODE_HEADERS = {
  'x-claude-code-session-id': SESSION,
  'anthropic-version': '2023-06-01',
  'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27',
  'x-api-key': 'sk-client-key',
};

const bashTool = {
  name: 'Bash',
  description: 'Executes a given bash command.',
  input_schema: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    properties: { command: { type: 'string' }, description: { type: 'string' } },
    required: ['command'],
    additionalProperties: false,
  },
};

const readTool = {
  name: 'Read',
  description: 'Reads a file from the local filesystem.',
  input_schema: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    properties: { file_path: { type: 'string' } },
    required: ['file_path'],
  },
};

/** The first turn: billing line + cached system blocks, a system-reminder, and a mid-conversation system message. */
export const FIRST_TURN = {
  model: 'claude-opus-4-8',
  messages: [
    {
      role: 'user',
      content: [
        { type: 'text', text: '<system-reminder>\nToday is 2026-12-03.\n</system-reminder>\n\n' },
        { type: 'text', text: 'list the files', cache_control: { type: 'ephemeral' } },
      ],
    },
    { role: 'system', content: 'Available agent types for the Agent tool: general-purpose.' },
  ],
  system: [
    { type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.195.516; cc_entrypoint=sdk-cli;' },
    {
      type: 'text',
      text: "You are a Claude agent, built on Anthropic's Claude Agent SDK.",
      cache_control: { type: 'ephemeral' },
    },
    { type: 'text', text: 'You are an interactive agent that helps users with software engineering tasks.' },
  ],
  tools: [bashTool, readTool],
  metadata: { user_id: JSON.stringify({ device_id: 'abc', account_uuid: '', session_id: SESSION }) },
  max_tokens: 64000,
  thinking: { type: 'adaptive' },
  context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
  output_config: { effort: 'high' },
  stream: true,
};

/** The tool turn Claude Code sends back: assistant[thinking with signature, tool_use], user[tool_result]. */
export const TOOL_TURN = {
  ...FIRST_TURN,
  messages: [
    ...FIRST_TURN.messages,
    {
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'I should run ls.', signature: 'sig-from-an-earlier-turn' },
        { type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'ls', description: 'List files' } },
      ],
    },
    {
      role: 'user',
      content: [
        {
          tool_use_id: 'toolu_1',
          type: 'tool_result',
          content: 'a.txt\nb.txt',
          is_error: false,
          cache_control: { type: 'ephemeral' },
        },
      ],
    },
  ],
};
