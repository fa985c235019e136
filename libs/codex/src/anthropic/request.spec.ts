import { anthropicToResponsesRequest } from './request';
import { effortForBudget } from './thinking';
import { CLAUDE_CODE_HEADERS, CLAUDE_CODE_SESSION, FIRST_TURN, TOOL_TURN } from './__fixtures__/claude-code';

const MAP = { opus: 'gpt-5.3-codex', sonnet: 'gpt-5.2-codex', haiku: 'gpt-5.1-codex-mini', default: 'gpt-5-codex' };

function translate(body: unknown, headers: Record<string, string> = {}) {
  return anthropicToResponsesRequest(body, { modelMap: MAP, headers });
}

function rejection(body: unknown): { message: string; param: string | null } {
  try {
    translate(body);
  } catch (error) {
    return error as { message: string; param: string | null };
  }
  throw new Error('expected a rejection');
}

const minimal = { model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };

describe('anthropicToResponsesRequest (§14)', () => {
  it('translates what Claude Code sends on its first turn', () => {
    const t = translate(FIRST_TURN, CLAUDE_CODE_HEADERS);
    expect(t.clientModel).toBe('claude-opus-4-8');
    expect(t.stream).toBe(true);
    expect(t.thinking).toBe(true);
    expect(t.body['model']).toBe('gpt-5.3-codex');
    // The per-session billing line is dropped so the instructions stay a stable, cacheable prefix.
    expect(t.body['instructions']).toBe(
      "You are a Claude agent, built on Anthropic's Claude Agent SDK.\n\n" +
        'You are an interactive agent that helps users with software engineering tasks.',
    );
    expect(t.body['input']).toEqual([
      {
        type: 'message',
        role: 'user',
        content: [
          { type: 'input_text', text: '<system-reminder>\nToday is 2026-12-03.\n</system-reminder>\n\n' },
          { type: 'input_text', text: 'list the files' },
        ],
      },
      {
        type: 'message',
        role: 'developer',
        content: [{ type: 'input_text', text: 'Available agent types for the Agent tool: general-purpose.' }],
      },
    ]);
    expect(t.body['reasoning']).toEqual({ summary: 'auto', effort: 'high' });
    expect(t.body['prompt_cache_key']).toBe(CLAUDE_CODE_SESSION);
    expect(t.requestedMaxTokens).toBe(64000);
    expect(t.droppedParams.sort()).toEqual(['context_management', 'max_tokens', 'metadata']);
  });

  it('turns tools with input_schema into flat, non-strict function tools without $schema', () => {
    const tools = translate(FIRST_TURN).body['tools'] as Record<string, unknown>[];
    expect(tools[0]).toEqual({
      type: 'function',
      name: 'Bash',
      description: 'Executes a given bash command.',
      parameters: {
        type: 'object',
        properties: { command: { type: 'string' }, description: { type: 'string' } },
        required: ['command'],
        additionalProperties: false,
      },
      strict: false,
    });
    expect(tools.map((tool) => tool['name'])).toEqual(['Bash', 'Read']);
  });

  it('sends a tool turn back as function_call + function_call_output, dropping earlier thinking', () => {
    const input = translate(TOOL_TURN).body['input'] as Record<string, unknown>[];
    expect(input.slice(2)).toEqual([
      {
        type: 'function_call',
        call_id: 'toolu_1',
        name: 'Bash',
        arguments: '{"command":"ls","description":"List files"}',
      },
      { type: 'function_call_output', call_id: 'toolu_1', output: 'a.txt\nb.txt' },
    ]);
  });

  it('takes the session from metadata.user_id when the header is missing', () => {
    expect(translate(FIRST_TURN).body['prompt_cache_key']).toBe(CLAUDE_CODE_SESSION);
    expect(translate(minimal).body['prompt_cache_key']).toBeUndefined();
  });

  it('maps images (base64 and url), tool results with images, assistant text and errors', () => {
    const t = translate({
      ...minimal,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
            { type: 'text', text: 'what are these?' },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Let me look.' },
            { type: 'tool_use', id: 't1', name: 'Read', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 't1',
              is_error: true,
              content: [
                { type: 'text', text: 'partial' },
                { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: 'AAAA' } },
              ],
            },
          ],
        },
      ],
    });
    expect(t.body['input']).toEqual([
      {
        type: 'message',
        role: 'user',
        content: [
          { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'auto' },
          { type: 'input_image', image_url: 'https://example.com/cat.jpg', detail: 'auto' },
          { type: 'input_text', text: 'what are these?' },
        ],
      },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Let me look.' }] },
      { type: 'function_call', call_id: 't1', name: 'Read', arguments: '{}' },
      {
        type: 'function_call_output',
        call_id: 't1',
        output: [
          { type: 'input_text', text: 'Error:' },
          { type: 'input_text', text: 'partial' },
          { type: 'input_image', image_url: 'data:image/jpeg;base64,AAAA', detail: 'auto' },
        ],
      },
    ]);
  });

  it('passes unusual tool-result blocks (tool search references) to the model as JSON instead of refusing', () => {
    const input = translate({
      ...minimal,
      messages: [
        { role: 'assistant', content: [{ type: 'tool_use', id: 's1', name: 'ToolSearch', input: { query: 'x' } }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 's1', content: [{ type: 'tool_reference', tool_name: 'Grep' }] },
          ],
        },
      ],
    }).body['input'] as Record<string, unknown>[];
    expect(input.at(-1)).toEqual({
      type: 'function_call_output',
      call_id: 's1',
      output: '{"type":"tool_reference","tool_name":"Grep"}',
    });
  });

  it('maps tool_choice and disable_parallel_tool_use', () => {
    const tools = [{ name: 'f', input_schema: { type: 'object' } }];
    const choice = (tool_choice: unknown) => translate({ ...minimal, tools, tool_choice }).body;
    expect(choice({ type: 'auto' })['tool_choice']).toBe('auto');
    expect(choice({ type: 'any' })['tool_choice']).toBe('required');
    expect(choice({ type: 'none' })['tool_choice']).toBe('none');
    expect(choice({ type: 'tool', name: 'f', disable_parallel_tool_use: true })).toMatchObject({
      tool_choice: { type: 'function', name: 'f' },
      parallel_tool_calls: false,
    });
  });

  it('maps thinking budgets to an effort by the documented thresholds', () => {
    expect([1024, 4095, 4096, 16383, 16384, 32767, 32768, 100000].map(effortForBudget)).toEqual([
      'low',
      'low',
      'medium',
      'medium',
      'high',
      'high',
      'xhigh',
      'xhigh',
    ]);
    const enabled = translate({ ...minimal, thinking: { type: 'enabled', budget_tokens: 10000 } });
    expect(enabled.body['reasoning']).toEqual({ summary: 'auto', effort: 'medium' });
    expect(translate({ ...minimal, output_config: { effort: 'max' } }).body['reasoning']).toEqual({ effort: 'xhigh' });
    const disabled = translate({ ...minimal, thinking: { type: 'disabled' } });
    expect(disabled.thinking).toBe(false);
    expect(disabled.body['reasoning']).toBeUndefined();
  });

  it('resolves models: claude-* by family, then default; a Codex id as it is', () => {
    const model = (name: string) => translate({ ...minimal, model: name }).body['model'];
    expect(model('claude-3-5-haiku-20241022')).toBe('gpt-5.1-codex-mini');
    expect(model('claude-sonnet-4-5[1m]')).toBe('gpt-5.2-codex');
    expect(model('claude-next')).toBe('gpt-5-codex');
    expect(model('gpt-5.2')).toBe('gpt-5.2');
  });

  it('maps web search to the upstream tool and refuses other server tools and MCP servers clearly', () => {
    const search = translate({ ...minimal, tools: [{ type: 'web_search_20250305', name: 'web_search' }] });
    expect(search.body['tools']).toEqual([{ type: 'web_search' }]);
    expect(rejection({ ...minimal, tools: [{ type: 'bash_20250124', name: 'bash' }] })).toMatchObject({
      param: 'tools[0].type',
      message: expect.stringContaining('not supported'),
    });
    expect(rejection({ ...minimal, mcp_servers: [] }).param).toBe('mcp_servers');
  });

  it('refuses bad requests with the field named', () => {
    expect(rejection({ ...minimal, model: undefined }).param).toBe('model');
    expect(rejection({ ...minimal, messages: [] }).param).toBe('messages');
    expect(rejection({ ...minimal, max_tokens: 0 }).param).toBe('max_tokens');
    expect(rejection({ ...minimal, messages: [{ role: 'tool', content: 'x' }] }).param).toBe('messages[0].role');
    expect(
      rejection({ ...minimal, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'nope' }] }] })
        .param,
    ).toBe('messages[0].content[0].tool_use_id');
    expect(rejection({ ...minimal, thinking: { type: 'enabled' } }).param).toBe('thinking.budget_tokens');
    expect(rejection({ ...minimal, output_config: { effort: 'extreme' } }).param).toBe('output_config.effort');
    expect(
      rejection({
        ...minimal,
        messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'file', file_id: 'f' } }] }],
      }).param,
    ).toBe('messages[0].content[0].source');
  });

  it('keeps PDFs as input files and opens with a user turn', () => {
    const t = translate({
      ...minimal,
      messages: [
        { role: 'assistant', content: 'Hello' },
        {
          role: 'user',
          content: [
            {
              type: 'document',
              title: 'spec.pdf',
              source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' },
            },
          ],
        },
      ],
    });
    expect(t.body['input']).toEqual([
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: ' ' }] },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Hello' }] },
      {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_file', filename: 'spec.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' }],
      },
    ]);
  });
});
