import { EventEmitter } from 'node:events';
import type { Response } from 'express';
import { SseWriter } from './sse-writer';

/** Just enough of an express Response to watch what a stream writes. */
class RecordingResponse extends EventEmitter {
  status: number | undefined;
  headers: Record<string, string> = {};
  written: string[] = [];
  writableEnded = false;
  destroyed = false;
  full = false;

  writeHead(status: number, headers: Record<string, string>): this {
    this.status = status;
    this.headers = headers;
    return this;
  }

  flushHeaders(): void {}

  write(text: string): boolean {
    this.written.push(text);
    return !this.full;
  }

  end(): void {
    this.writableEnded = true;
  }
}

describe('SseWriter', () => {
  let res: RecordingResponse;
  let writer: SseWriter;

  beforeEach(() => {
    jest.useFakeTimers();
    res = new RecordingResponse();
    writer = new SseWriter(res as unknown as Response, 15_000);
  });

  afterEach(() => {
    writer.end();
    jest.useRealTimers();
  });

  it('writes nothing, keepalives included, before the commit point', () => {
    jest.advanceTimersByTime(60_000);
    expect(res.written).toEqual([]);
    expect(res.status).toBeUndefined();
  });

  it('sends the stream headers at commit', () => {
    writer.start({ 'x-request-id': 'abc' });
    expect(res.status).toBe(200);
    expect(res.headers).toEqual({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
      'x-request-id': 'abc',
    });
  });

  it('keeps a silent committed stream alive with comments, never 15 s apart', async () => {
    writer.start({});
    await writer.write('data: 1\n\n');
    jest.advanceTimersByTime(15_000);
    expect(res.written).toEqual(['data: 1\n\n', ': keepalive\n\n']);
    jest.advanceTimersByTime(30_000);
    expect(res.written.filter((w) => w === ': keepalive\n\n').length).toBeGreaterThanOrEqual(3);
  });

  it('sends no keepalive while events flow', async () => {
    writer.start({});
    for (let i = 0; i < 10; i++) {
      jest.advanceTimersByTime(4_000);
      await writer.write(`data: ${i}\n\n`);
    }
    expect(res.written.some((w) => w.startsWith(':'))).toBe(false);
  });

  it('stops the keepalives when the stream ends', () => {
    writer.start({});
    writer.end();
    jest.advanceTimersByTime(60_000);
    expect(res.written).toEqual([]);
    expect(res.writableEnded).toBe(true);
  });

  it('waits for drain when the client reads slowly', async () => {
    writer.start({});
    res.full = true;
    let done = false;
    const pending = writer.write('data: big\n\n').then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    res.emit('drain');
    await pending;
    expect(done).toBe(true);
  });
});
