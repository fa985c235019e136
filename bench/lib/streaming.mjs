// Streaming figures: time to first byte, and per-event relay delay measured with a TCP tap that
// timestamps each upstream delta as it is handed on, on the same clock as the client.
import { connect, createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Client } from 'undici';
import { summarize } from './summary.mjs';

// Deltas of a `long N` answer are "t1 ", "t2 ", …: Responses events carry them as `delta`,
// chat chunks as `content`.
const MARKER = /"(?:delta|content)":"t(\d+) "/g;

const TERMINAL = /response\.completed|\[DONE\]/;

function markers(chunk) {
  return Array.from(chunk.toString('latin1').matchAll(MARKER), (m) => Number(m[1]));
}

/** Reads a streamed answer; resolves with the times of the first body byte and of each marked delta. */
async function readStream(client, t) {
  const started = performance.now();
  const res = await client.request({ method: 'POST', path: t.path, headers: t.headers, body: t.body });
  const headersMs = performance.now() - started;
  let firstByteMs;
  const arrivals = new Map();
  let tail = '';
  let terminal = false;
  for await (const chunk of res.body) {
    const now = performance.now();
    firstByteMs ??= now - started;
    for (const n of markers(chunk)) if (!arrivals.has(n)) arrivals.set(n, now);
    const text = tail + chunk.toString('latin1');
    terminal ||= TERMINAL.test(text);
    tail = text.slice(-300);
  }
  if (res.statusCode !== 200) throw new Error(`${t.origin}${t.path} answered ${res.statusCode}: ${tail}`);
  if (!terminal) throw new Error(`${t.origin}${t.path}: the stream ended without a terminal event`);
  const overhead = res.headers['x-proxy-overhead-ms'];
  return { headersMs, firstByteMs, arrivals, overhead: typeof overhead === 'string' ? Number(overhead) : undefined };
}

/** Time to first body byte, proxy and direct interleaved, after a warm-up. */
export async function ttfbPair({ proxy, direct, warmup, pairs }) {
  const clients = { proxy: new Client(proxy.origin), direct: new Client(direct.origin) };
  const samples = { proxy: [], direct: [], overhead: [] };
  try {
    for (let i = 0; i < warmup + pairs; i++) {
      const order = i % 2 === 0 ? ['direct', 'proxy'] : ['proxy', 'direct'];
      for (const side of order) {
        const result = await readStream(clients[side], side === 'proxy' ? proxy : direct);
        if (i < warmup) continue;
        samples[side].push(result.firstByteMs);
        if (side === 'proxy' && result.overhead !== undefined) samples.overhead.push(result.overhead);
      }
    }
  } finally {
    await Promise.all([clients.proxy.close(), clients.direct.close()]);
  }
  return {
    proxy: summarize(samples.proxy),
    direct: summarize(samples.direct),
    overheadHeader: samples.overhead.length > 0 ? summarize(samples.overhead) : null,
    overheadValues: samples.overhead,
  };
}

/**
 * A loopback TCP forwarder to the emulator. While `record` is set, it notes when each marked delta
 * leaves the tap towards its client (the relay proxy, or the benchmark itself for the baseline).
 */
export async function startTap(emulatorUrl) {
  const upstream = new URL(emulatorUrl);
  const state = { record: undefined };
  const sockets = new Set();
  const server = createServer((down) => {
    const up = connect(Number(upstream.port), upstream.hostname);
    for (const s of [down, up]) {
      sockets.add(s);
      s.setNoDelay(true);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        down.destroy();
        up.destroy();
      });
    }
    down.on('data', (chunk) => up.write(chunk));
    up.on('data', (chunk) => {
      down.write(chunk);
      if (!state.record) return;
      const now = performance.now();
      for (const n of markers(chunk)) if (!state.record.has(n)) state.record.set(n, now);
    });
    down.on('end', () => up.end());
    up.on('end', () => down.end());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    state,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Per-event relay delay: for each delta, client arrival minus the moment the tap forwarded it.
 * `proxy` goes client → proxy → tap → emulator, `direct` client → tap → emulator; one stream at a
 * time so each delta number is unambiguous.
 */
export async function relayDelayPair({ tap, proxy, direct, warmup, streams }) {
  const clients = { proxy: new Client(proxy.origin), direct: new Client(direct.origin) };
  const delays = { proxy: [], direct: [] };
  try {
    for (let i = 0; i < warmup + streams; i++) {
      const order = i % 2 === 0 ? ['direct', 'proxy'] : ['proxy', 'direct'];
      for (const side of order) {
        tap.state.record = new Map();
        const { arrivals } = await readStream(clients[side], side === 'proxy' ? proxy : direct);
        const sent = tap.state.record;
        tap.state.record = undefined;
        if (i < warmup) continue;
        for (const [n, at] of arrivals) if (sent.has(n)) delays[side].push(at - sent.get(n));
      }
    }
  } finally {
    await Promise.all([clients.proxy.close(), clients.direct.close()]);
  }
  return { proxy: summarize(delays.proxy), direct: summarize(delays.direct) };
}
