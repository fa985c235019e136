import { PassThrough, Readable } from 'node:stream';
import { upstreamEvents } from './upstream-events';

const frame = (type: string, extra = ''): string => `event: ${type}\ndata: {"type":"${type}"${extra}}\n\n`;

describe('upstreamEvents', () => {
  it('yields one batch per network chunk that completes events, carrying an event split across chunks', async () => {
    const body = Readable.from(
      [frame('a') + frame('b'), 'event: c\ndata: {"type":', '"c"}\n\n', ': keepalive\n\n', frame('d')].map((text) =>
        Buffer.from(text),
      ),
    );
    const batches: string[][] = [];
    for await (const batch of upstreamEvents(body)) batches.push(batch.map((event) => event.type));
    expect(batches).toEqual([['a', 'b'], ['c'], ['d']]);
  });

  it('delivers a complete final event that lacks its blank line, then ends', async () => {
    const events = upstreamEvents(Readable.from([Buffer.from('data: {"type":"response.completed"}\n')]));
    expect((await events.next()).value?.map((event) => event.type)).toEqual(['response.completed']);
    expect(await events.next()).toEqual({ done: true, value: undefined });
    expect(await events.next()).toEqual({ done: true, value: undefined });
  });

  it('counts and skips payloads that are not JSON events', async () => {
    const invalid: string[] = [];
    const events = upstreamEvents(Readable.from([Buffer.from('data: {oops\n\n' + frame('ok'))]), {
      onInvalid: (raw) => invalid.push(raw),
    });
    expect((await events.next()).value?.map((event) => event.type)).toEqual(['ok']);
    expect(invalid).toEqual(['{oops']);
  });

  it('hands each wait for a network chunk, and only that, to the wait wrapper', async () => {
    let waits = 0;
    const body = Readable.from([frame('a'), ': keepalive\n\n', frame('b')].map((text) => Buffer.from(text)));
    const events = upstreamEvents(body, {
      wait: (promise) => {
        waits += 1;
        return promise;
      },
    });
    const types: string[] = [];
    for await (const batch of events) types.push(...batch.map((event) => event.type));
    expect(types).toEqual(['a', 'b']);
    expect(waits).toBe(4);
  });

  it('rejects when the body fails, and is done afterwards', async () => {
    const body = new PassThrough();
    const events = upstreamEvents(body);
    body.write(frame('a'));
    expect((await events.next()).value?.map((event) => event.type)).toEqual(['a']);
    const pending = events.next();
    body.destroy(new Error('connection reset'));
    await expect(pending).rejects.toThrow('connection reset');
    expect(await events.next()).toEqual({ done: true, value: undefined });
  });

  it('destroys the body when the reader stops early', async () => {
    const body = new PassThrough();
    body.write(frame('a'));
    for await (const batch of upstreamEvents(body)) {
      expect(batch).toHaveLength(1);
      break;
    }
    expect(body.destroyed).toBe(true);
  });
});
