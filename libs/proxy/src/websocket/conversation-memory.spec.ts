import { ClientRequestError, ResponseAccumulator, type SseEvent } from '@mcp/codex';
import { ConversationBudget } from './conversation-budget';
import { ConversationMemory } from './conversation-memory';
import { frameSink } from './frame-writer';

const user = (text: string) => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });
const answer = (text: string) => ({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] });

describe('ConversationMemory (previous_response_id on one socket, PROTOCOL §13.1)', () => {
  it('turns a continuation into the full input: previous input, its output, then the new items', () => {
    const memory = new ConversationMemory(1_000_000);
    const first = memory.expand({ type: 'response.create', model: 'm', input: [user('a')] });
    expect(first.body).toEqual({ model: 'm', input: [user('a')] });
    memory.remember('resp_1', first.input, first.bytes, [answer('A')]);

    const next = memory.expand({
      type: 'response.create',
      model: 'm',
      previous_response_id: 'resp_1',
      input: [user('b')],
    });
    expect(next.body).toEqual({ model: 'm', input: [user('a'), answer('A'), user('b')] });
    expect(memory.answered('resp_1')).toBe(true);
  });

  it('drops the WebSocket-only fields and reads a string input as one user message', () => {
    const memory = new ConversationMemory(1_000_000);
    const { body } = memory.expand({
      type: 'response.create',
      generate: true,
      previous_response_id: null,
      input: 'hi',
    });
    expect(body).toEqual({ input: [user('hi')] });
  });

  it('refuses an id it never answered, and one older than the last answer, with previous_response_not_found', () => {
    const memory = new ConversationMemory(1_000_000);
    memory.remember('resp_1', [user('a')], 10, []);
    memory.remember('resp_2', [user('a'), user('b')], 20, []);
    for (const id of ['resp_unknown', 'resp_1']) {
      let caught: unknown;
      try {
        memory.expand({ type: 'response.create', previous_response_id: id, input: [] });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ClientRequestError);
      expect(caught).toEqual(expect.objectContaining({ status: 400, code: 'previous_response_not_found' }));
    }
  });

  it('forgets a conversation past its byte cap: the continuation is refused, a full input still works', () => {
    const memory = new ConversationMemory(200);
    const big = memory.expand({ type: 'response.create', input: [user('x'.repeat(300))] });
    memory.remember('resp_big', big.input, big.bytes, [answer('ok')]);
    expect(memory.rememberedBytes).toBe(0);
    expect(() => memory.expand({ type: 'response.create', previous_response_id: 'resp_big', input: [] })).toThrow(
      ClientRequestError,
    );
    expect(memory.expand({ type: 'response.create', input: [user('fresh')] }).body).toEqual({ input: [user('fresh')] });
  });

  it('refuses an input that is neither a string nor a list', () => {
    const memory = new ConversationMemory(1_000);
    expect(() => memory.expand({ type: 'response.create', input: 42 })).toThrow(/input/);
  });
});

describe('frameSink', () => {
  it('writes each event as its JSON, exactly what the SSE relay carries in its data line', () => {
    const sink = frameSink();
    const accumulator = new ResponseAccumulator();
    const data = { type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, delta: 'hi' };
    const event: SseEvent = { type: data.type, data, raw: JSON.stringify(data) };
    accumulator.push(data);
    expect(sink.frames(event, accumulator)).toEqual([JSON.stringify(data)]);
  });

  it('reports an interruption as an error frame with status, type and code', () => {
    const [frame] = frameSink().interrupted('The upstream stream ended early.');
    expect(JSON.parse(frame!)).toEqual({
      type: 'error',
      status: 502,
      error: { type: 'upstream_error', code: expect.any(String), message: 'The upstream stream ended early.' },
    });
  });
});

describe('ConversationBudget (every socket together, PROTOCOL §13.1)', () => {
  const turn = (memory: ConversationMemory, id: string, text: string): void => {
    const expanded = memory.expand({ type: 'response.create', input: [user(text)] });
    memory.remember(id, expanded.input, expanded.bytes, [answer(text)]);
  };

  it('forgets the conversations used longest ago while the total is over, never the one just remembered', () => {
    const budget = new ConversationBudget(() => 2_000); // each 300-character turn holds about 760 bytes
    const [a, b, c] = [1, 2, 3].map(() => new ConversationMemory(1_000_000, budget)) as [
      ConversationMemory,
      ConversationMemory,
      ConversationMemory,
    ];
    turn(a, 'resp_a', 'x'.repeat(300));
    turn(b, 'resp_b', 'y'.repeat(300));
    expect(budget.evictions).toBe(0);
    turn(a, 'resp_a2', 'z'.repeat(600)); // a used again, and larger: b, now the oldest, goes
    expect(a.answered('resp_a2')).toBe(true);
    expect(b.answered('resp_b')).toBe(false);
    expect(budget.evictions).toBe(1);
    turn(c, 'resp_c', 'w'.repeat(300));
    expect(a.answered('resp_a2')).toBe(false);
    expect(c.answered('resp_c')).toBe(true);
    expect(budget.heldBytes).toBe(c.rememberedBytes);
  });

  it('keeps a conversation larger than the budget alone rather than none, and frees a forgotten or closed share', () => {
    const budget = new ConversationBudget(() => 100);
    const a = new ConversationMemory(1_000_000, budget);
    turn(a, 'resp_a', 'x'.repeat(300));
    expect(a.answered('resp_a')).toBe(true);
    a.forget();
    expect(budget.heldBytes).toBe(0);
    expect(a.answered('resp_a')).toBe(false);
    // Once its socket closed, an answer ending late is not remembered (nor counted).
    a.close();
    turn(a, 'resp_late', 'late');
    expect(a.answered('resp_late')).toBe(false);
    expect(budget.heldBytes).toBe(0);
  });
});
