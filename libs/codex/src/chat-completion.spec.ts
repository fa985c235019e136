import { chatCompletionId, chatMessage, itemHasContent } from './chat-completion';

const cite = (start: number, end: number) => ({
  type: 'url_citation',
  url: 'https://a.example/',
  title: 'A',
  start_index: start,
  end_index: end,
});

describe('chatMessage (§5.3)', () => {
  it('concatenates text across parts and messages, shifting citation offsets to the joined content', () => {
    const message = chatMessage([
      { type: 'message', content: [{ type: 'output_text', text: 'First. ', annotations: [cite(0, 5)] }] },
      { type: 'reasoning', summary: [] },
      {
        type: 'message',
        content: [{ type: 'output_text', text: 'Second.', annotations: [cite(0, 6), { type: 'file_citation' }] }],
      },
    ]);
    expect(message['content']).toBe('First. Second.');
    expect(message['annotations']).toEqual([
      { type: 'url_citation', url_citation: { start_index: 0, end_index: 5, url: 'https://a.example/', title: 'A' } },
      { type: 'url_citation', url_citation: { start_index: 7, end_index: 13, url: 'https://a.example/', title: 'A' } },
    ]);
    expect(message).not.toHaveProperty('tool_calls');
  });

  it('has null content and refusal when there are none', () => {
    expect(chatMessage([])).toEqual({ role: 'assistant', content: null, refusal: null, annotations: [] });
  });
});

describe('itemHasContent', () => {
  it.each<[string, Record<string, unknown>, boolean]>([
    ['text', { type: 'message', content: [{ type: 'output_text', text: 'x' }] }, true],
    ['empty text', { type: 'message', content: [{ type: 'output_text', text: '' }] }, false],
    ['refusal', { type: 'message', content: [{ type: 'refusal', refusal: 'no' }] }, true],
    ['function call', { type: 'function_call', arguments: '' }, true],
    ['custom tool call', { type: 'custom_tool_call', input: '' }, true],
    ['reasoning', { type: 'reasoning', summary: [{ type: 'summary_text', text: 'x' }] }, false],
    ['web search', { type: 'web_search_call' }, false],
  ])('%s → %p', (_label, item, expected) => {
    expect(itemHasContent(item)).toBe(expected);
  });
});

describe('chatCompletionId (§5.3)', () => {
  it('gives chatcmpl- and 24 base64url characters, never the same id twice, past any batch of drawn bytes', () => {
    const ids = Array.from({ length: 1000 }, () => chatCompletionId());
    for (const id of ids) expect(id).toMatch(/^chatcmpl-[A-Za-z0-9_-]{24}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
