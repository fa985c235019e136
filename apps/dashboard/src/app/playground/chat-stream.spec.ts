import { SseDataDecoder, readChatChunk } from './chat-stream';

describe('SseDataDecoder', () => {
  it('yields each event once its blank line arrives, however the bytes were split', () => {
    const decoder = new SseDataDecoder();
    expect(decoder.push('data: {"a"')).toEqual([]);
    expect(decoder.push(':1}\n')).toEqual([]);
    expect(decoder.push('\ndata: [DO')).toEqual(['{"a":1}']);
    expect(decoder.push('NE]\n\n')).toEqual(['[DONE]']);
  });

  it('handles CRLF line ends, even split between two pieces', () => {
    const decoder = new SseDataDecoder();
    expect(decoder.push('data: one\r')).toEqual([]);
    expect(decoder.push('\n\r\ndata: two\r\n\r\n')).toEqual(['one', 'two']);
  });

  it('ignores comments and other fields, and joins multi-line data', () => {
    const decoder = new SseDataDecoder();
    expect(decoder.push(': keepalive\n\nevent: message\nid: 7\ndata: line1\ndata:line2\n\n')).toEqual(['line1\nline2']);
  });

  it('flushes a last event the server closed without a blank line', () => {
    const decoder = new SseDataDecoder();
    expect(decoder.push('data: tail')).toEqual([]);
    expect(decoder.end()).toEqual(['tail']);
  });
});

describe('readChatChunk', () => {
  it('reads the text delta and finish reason of a chunk', () => {
    const chunk = readChatChunk(
      '{"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}],"usage":null}',
    );
    expect(chunk).toEqual({ kind: 'chunk', content: 'Hel', finishReason: null, usage: null });
    expect(readChatChunk('{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}')).toMatchObject({
      content: '',
      finishReason: 'stop',
    });
  });

  it('reads the usage chunk sent with include_usage', () => {
    const chunk = readChatChunk(
      '{"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17,"prompt_tokens_details":{"cached_tokens":4},"completion_tokens_details":{"reasoning_tokens":2}}}',
    );
    expect(chunk).toEqual({
      kind: 'chunk',
      content: '',
      finishReason: null,
      usage: { promptTokens: 12, completionTokens: 5, totalTokens: 17, cachedTokens: 4, reasoningTokens: 2 },
    });
  });

  it('recognises the end marker and an in-stream error', () => {
    expect(readChatChunk('[DONE]')).toEqual({ kind: 'done' });
    expect(
      readChatChunk(
        '{"error":{"message":"stream interrupted","type":"upstream_error","code":"stream_interrupted","param":null}}',
      ),
    ).toEqual({
      kind: 'error',
      message: 'stream interrupted',
      code: 'stream_interrupted',
    });
  });

  it('skips payloads that are not JSON objects', () => {
    expect(readChatChunk('not json')).toBeNull();
    expect(readChatChunk('42')).toBeNull();
  });
});
