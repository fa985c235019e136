import { translateMessages } from './chat-messages';
import { ClientRequestError } from './errors';

const user = (text: string) => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });

function paramOf(messages: unknown): string | null {
  try {
    translateMessages(messages);
  } catch (error) {
    if (error instanceof ClientRequestError && error.status === 400) return error.param;
    throw error;
  }
  throw new Error('expected a 400');
}

describe('translateMessages (§5.2)', () => {
  it('joins system and developer messages into instructions, in order', () => {
    const result = translateMessages([
      { role: 'system', content: 'Rule one.' },
      { role: 'user', content: 'Hi' },
      {
        role: 'developer',
        content: [
          { type: 'text', text: 'Rule' },
          { type: 'text', text: 'two.' },
        ],
      },
    ]);
    expect(result.instructions).toBe('Rule one.\n\nRule\ntwo.');
    expect(result.input).toEqual([user('Hi')]);
  });

  it('translates user text, image (object and bare string) and file parts', () => {
    const result = translateMessages([
      {
        role: 'user',
        name: 'dropped',
        content: [
          { type: 'text', text: 'Look:' },
          { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'high' } },
          { type: 'image_url', image_url: 'data:image/png;base64,AAAA' },
          { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBE', filename: 'a.pdf' } },
        ],
      },
    ]);
    expect(result.input).toEqual([
      {
        type: 'message',
        role: 'user',
        content: [
          { type: 'input_text', text: 'Look:' },
          { type: 'input_image', image_url: 'https://example.com/a.png', detail: 'high' },
          { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'auto' },
          { type: 'input_file', file_data: 'data:application/pdf;base64,JVBE', filename: 'a.pdf' },
        ],
      },
    ]);
  });

  it('translates assistant text, refusal and tool calls (function and custom), and pairs tool results', () => {
    const result = translateMessages([
      { role: 'user', content: 'Go' },
      {
        role: 'assistant',
        content: 'Calling.',
        refusal: 'Partly refused.',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: { city: 'Paris' } } },
          { id: 'call_2', type: 'custom', custom: { name: 'apply_patch', input: '*** Begin Patch' } },
        ],
      },
      {
        role: 'tool',
        tool_call_id: 'call_1',
        content: [
          { type: 'text', text: 'Sunny' },
          { type: 'text', text: '21C' },
        ],
      },
      { role: 'tool', tool_call_id: 'call_2', content: 'Done' },
    ]);
    expect(result.input.slice(1)).toEqual([
      {
        type: 'message',
        role: 'assistant',
        content: [
          { type: 'output_text', text: 'Calling.' },
          { type: 'refusal', refusal: 'Partly refused.' },
        ],
      },
      { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { type: 'custom_tool_call', call_id: 'call_2', name: 'apply_patch', input: '*** Begin Patch' },
      { type: 'function_call_output', call_id: 'call_1', output: 'Sunny\n21C' },
      { type: 'custom_tool_call_output', call_id: 'call_2', output: 'Done' },
    ]);
  });

  it('omits an empty assistant message but keeps its tool calls', () => {
    const result = translateMessages([
      { role: 'user', content: 'Go' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }],
      },
      { role: 'assistant', content: '' },
    ]);
    expect(result.input.map((i) => i['type'])).toEqual(['message', 'function_call']);
  });

  it('pairs legacy function messages with the preceding assistant function_call', () => {
    const result = translateMessages([
      { role: 'user', content: 'Go' },
      { role: 'assistant', content: null, function_call: { name: 'lookup', arguments: '{"q":1}' } },
      { role: 'function', name: 'lookup', content: 'result' },
    ]);
    const call = result.input[1];
    const output = result.input[2];
    expect(call).toMatchObject({ type: 'function_call', name: 'lookup', arguments: '{"q":1}' });
    expect(output).toEqual({ type: 'function_call_output', call_id: call?.['call_id'], output: 'result' });
  });

  it('prepends a one-space user turn when the conversation does not open with a user message', () => {
    const result = translateMessages([
      { role: 'system', content: 'S' },
      { role: 'assistant', content: 'Hello, how can I help?' },
      { role: 'user', content: 'Hi' },
    ]);
    expect(result.input[0]).toEqual(user(' '));
    expect(result.input).toHaveLength(3);
    expect(translateMessages([{ role: 'system', content: 'only system' }]).input).toEqual([user(' ')]);
  });

  it.each<[string, unknown, string]>([
    ['empty messages', [], 'messages'],
    ['messages not an array', 'hi', 'messages'],
    ['a message that is not an object', ['hi'], 'messages[0]'],
    ['an unknown role', [{ role: 'robot', content: 'x' }], 'messages[0].role'],
    [
      'input_audio',
      [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }] }],
      'messages[0].content[0]',
    ],
    [
      'an unknown part type',
      [
        { role: 'user', content: 'a' },
        { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'video' }] },
      ],
      'messages[1].content[1]',
    ],
    [
      'a file_id',
      [{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-1' } }] }],
      'messages[0].content[0]',
    ],
    [
      'an image without url',
      [{ role: 'user', content: [{ type: 'image_url', image_url: {} }] }],
      'messages[0].content[0]',
    ],
    [
      'a tool result without a preceding call',
      [
        { role: 'user', content: 'x' },
        { role: 'tool', tool_call_id: 'call_x', content: 'r' },
      ],
      'messages[1].tool_call_id',
    ],
    [
      'a tool call without id',
      [
        { role: 'user', content: 'x' },
        { role: 'assistant', tool_calls: [{ type: 'function', function: { name: 'f' } }] },
      ],
      'messages[1].tool_calls[0].id',
    ],
    [
      'a function message without a call',
      [
        { role: 'user', content: 'x' },
        { role: 'function', name: 'f', content: 'r' },
      ],
      'messages[1]',
    ],
    ['user content of the wrong type', [{ role: 'user', content: 5 }], 'messages[0].content'],
  ])('rejects %s with param %s', (_label, messages, param) => {
    expect(paramOf(messages)).toBe(param);
  });
});
