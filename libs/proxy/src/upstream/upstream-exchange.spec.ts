import type { Dispatcher } from 'undici';
import { UpstreamExchange, type UpstreamResponse } from './upstream-exchange';

/** A dispatch controller as undici's compatibility wrapper hands it over: it carries the raw header Buffers. */
function controllerWithRawHeaders(readBuffer: Buffer) {
  return {
    rawHeaders: [readBuffer.subarray(0, 12), readBuffer.subarray(14, 30)] as Buffer[] | null,
    aborted: false,
    paused: false,
    reason: null,
    abort: jest.fn(),
    pause: jest.fn(),
    resume: jest.fn(),
  };
}

describe('UpstreamExchange', () => {
  it('lets go of the raw header Buffers (slices of a 64 KB socket read) once the headers are parsed', async () => {
    let response: UpstreamResponse | undefined;
    const exchange = new UpstreamExchange(new AbortController().signal, (r) => (response = r), jest.fn());
    const controller = controllerWithRawHeaders(Buffer.alloc(64 * 1024));
    const dispatchController = controller as unknown as Dispatcher.DispatchController;
    exchange.onRequestStart(dispatchController);
    exchange.onResponseStart(dispatchController, 200, { 'content-type': 'text/event-stream' });
    expect(controller.rawHeaders).toBeNull();
    expect(response?.status).toBe(200);
    expect(response?.headers['content-type']).toBe('text/event-stream');
    exchange.onResponseData(dispatchController, Buffer.from('data: {}\n\n'));
    exchange.onResponseEnd();
    const chunks: string[] = [];
    for await (const chunk of response!.body) chunks.push(chunk.toString('utf8'));
    expect(chunks.join('')).toBe('data: {}\n\n');
  });
});
