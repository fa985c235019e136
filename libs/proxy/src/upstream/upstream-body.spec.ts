import type { Dispatcher } from 'undici';
import { BODY_HIGH_WATER_MARK, UpstreamBody } from './upstream-body';
import { ReleasedOnceSent } from './upstream-exchange';

/** A dispatch controller that records what the body asked of the upstream request. */
class FakeController implements Dispatcher.DispatchController {
  paused = false;
  aborted = false;
  reason: Error | null = null;
  pauses = 0;
  resumes = 0;

  abort(reason: Error): void {
    this.aborted = true;
    this.reason = reason;
  }

  pause(): void {
    this.paused = true;
    this.pauses += 1;
  }

  resume(): void {
    this.paused = false;
    this.resumes += 1;
  }
}

function setup(): { body: UpstreamBody; controller: FakeController; settled: () => number } {
  const controller = new FakeController();
  let settled = 0;
  const body = new UpstreamBody(controller, () => (settled += 1));
  return { body, controller, settled: () => settled };
}

const text = (chunks: Buffer[]): string => Buffer.concat(chunks).toString('utf8');

describe('UpstreamBody', () => {
  it('yields the chunks in order, those pushed before and while reading, then ends', async () => {
    const { body, settled } = setup();
    body.push(Buffer.from('a'));
    expect(text([(await body.next()).value as Buffer])).toBe('a');
    const pending = body.next();
    body.push(Buffer.from('b'));
    setTimeout(() => {
      body.push(Buffer.from('c'));
      body.end();
    }, 5);
    const chunks: Buffer[] = [(await pending).value as Buffer];
    for await (const chunk of body) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.toString())).toEqual(['b', 'c']);
    expect(await body.next()).toEqual({ done: true, value: undefined });
    expect(settled()).toBe(1);
    expect(body.destroyed).toBe(false);
  });

  it('a read takes every chunk that arrived together, as one (one parse, one client write)', async () => {
    const { body } = setup();
    const pending = body.next();
    body.push(Buffer.from('data: 1\n\n'));
    body.push(Buffer.from('data: 2\n\n'));
    body.end();
    expect(text([(await pending).value as Buffer])).toBe('data: 1\n\ndata: 2\n\n');
    expect((await body.next()).done).toBe(true);
    body.destroy();
  });

  it('pauses upstream past the high-water mark while nobody reads, and resumes once read', async () => {
    const { body, controller } = setup();
    const half = Buffer.alloc(BODY_HIGH_WATER_MARK / 2);
    body.push(half);
    expect(controller.paused).toBe(false);
    body.push(half);
    expect(controller.paused).toBe(true);
    body.push(half);
    expect((await body.next()).value).toHaveLength(3 * half.length);
    expect(controller.paused).toBe(false);
    expect([controller.pauses, controller.resumes]).toEqual([1, 1]);
    body.end();
    expect((await body.next()).done).toBe(true);
  });

  it('destroyed mid-stream: aborts upstream, fails the read in progress, drops what is buffered', async () => {
    const { body, controller, settled } = setup();
    const pending = body.next();
    body.destroy();
    await expect(pending).rejects.toMatchObject({ code: 'UND_ERR_ABORTED' });
    expect(controller.aborted).toBe(true);
    expect(body.destroyed).toBe(true);
    body.push(Buffer.from('late'));
    expect(await body.next()).toEqual({ done: true, value: undefined });
    expect(settled()).toBe(1);
  });

  it('destroyed with a reason: the read in progress and the next ones reject with it', async () => {
    const { body, controller } = setup();
    body.push(Buffer.from('unread'));
    const reason = new Error('client gone');
    body.destroy(reason);
    await expect(body.next()).rejects.toBe(reason);
    expect(controller.reason).toBe(reason);
  });

  it('does not abort an upstream request that already ended', async () => {
    const { body, controller, settled } = setup();
    body.end();
    body.destroy();
    expect(controller.aborted).toBe(false);
    expect(body.destroyed).toBe(true);
    expect(settled()).toBe(1);
  });

  it('hands over what arrived before a failure, then throws undici’s error with its code', async () => {
    const { body, settled } = setup();
    const pending = body.next();
    body.push(Buffer.from('data: 1\n\n'));
    const timeout = Object.assign(new Error('Body Timeout Error'), { code: 'UND_ERR_BODY_TIMEOUT' });
    body.fail(timeout);
    expect(text([(await pending).value as Buffer])).toBe('data: 1\n\n');
    await expect(body.next()).rejects.toMatchObject({ code: 'UND_ERR_BODY_TIMEOUT' });
    expect(settled()).toBe(1);
  });

  it('fails a read in progress at once', async () => {
    const { body } = setup();
    const pending = body.next();
    body.fail(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }));
    await expect(pending).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
  });

  it('stopping a for-await loop early destroys the body and aborts upstream', async () => {
    const { body, controller } = setup();
    body.push(Buffer.from('a'));
    for await (const chunk of body) {
      expect(chunk.toString()).toBe('a');
      body.push(Buffer.from('b'));
      break;
    }
    expect(body.destroyed).toBe(true);
    expect(controller.aborted).toBe(true);
  });
});

describe('ReleasedOnceSent', () => {
  it('yields the payload once and lets go of it', () => {
    const payload = Buffer.from('{"model":"x"}');
    const body = new ReleasedOnceSent(payload);
    expect([...body]).toEqual([payload]);
    expect([...body]).toEqual([]);
  });
});
