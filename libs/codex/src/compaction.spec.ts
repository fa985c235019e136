import {
  betaFeaturesHeader,
  compactionOutputProblem,
  isCompactionRequest,
  normalizeCompactionEvent,
} from './compaction';
import type { SseEvent } from './sse';

function event(data: Record<string, unknown>): SseEvent {
  return { type: String(data['type']), data, raw: JSON.stringify(data) };
}

describe('remote compaction v2 helpers (PROTOCOL §13.3)', () => {
  it('knows a compaction request by its trigger item, not by the header Codex sends on every request', () => {
    expect(isCompactionRequest({ input: [{ type: 'message' }, { type: 'compaction_trigger' }] })).toBe(true);
    expect(isCompactionRequest({ input: [{ type: 'message' }] })).toBe(false);
    expect(isCompactionRequest({ input: 'text' })).toBe(false);
    expect(betaFeaturesHeader({ 'x-codex-beta-features': ' remote_compaction_v2 ' })).toBe('remote_compaction_v2');
    expect(betaFeaturesHeader(new Headers({ 'X-Codex-Beta-Features': 'a,b' }))).toBe('a,b');
    expect(betaFeaturesHeader({})).toBeUndefined();
  });

  it('renames compaction_summary in item events and in the envelope output, keeping everything else', () => {
    const item = { id: 'cmp_1', type: 'compaction_summary', encrypted_content: 'enc' };
    const done = normalizeCompactionEvent(event({ type: 'response.output_item.done', output_index: 0, item }));
    expect(done.data['item']).toEqual({ id: 'cmp_1', type: 'compaction', encrypted_content: 'enc' });
    expect(JSON.parse(done.raw)).toEqual(done.data);
    const completed = normalizeCompactionEvent(
      event({ type: 'response.completed', response: { id: 'r', output: [item], usage: { total_tokens: 3 } } }),
    );
    expect(completed.data['response']).toEqual({
      id: 'r',
      output: [{ id: 'cmp_1', type: 'compaction', encrypted_content: 'enc' }],
      usage: { total_tokens: 3 },
    });
  });

  it('leaves other events byte for byte', () => {
    const delta = event({ type: 'response.output_text.delta', delta: 'hi' });
    expect(normalizeCompactionEvent(delta)).toBe(delta);
    const empty = event({ type: 'response.completed', response: { output: [] } });
    expect(normalizeCompactionEvent(empty)).toBe(empty);
  });

  it('accepts exactly one compaction item with encrypted content', () => {
    const good = { type: 'compaction', encrypted_content: 'enc' };
    expect(compactionOutputProblem([good])).toBeUndefined();
    expect(compactionOutputProblem([{ type: 'reasoning' }, good])).toBeUndefined();
    expect(compactionOutputProblem([])).toMatch(/without its compaction item/);
    expect(compactionOutputProblem([good, good])).toMatch(/2 compaction items/);
    expect(compactionOutputProblem([{ type: 'compaction' }])).toMatch(/encrypted_content/);
  });
});
