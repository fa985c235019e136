// 1,000 concurrent streams held open through the proxy (the emulator paces its deltas), while we
// sample the proxy's RSS and read its event-loop delay from /metrics.
import { setMaxListeners } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { ADMIN_TOKEN, cpuMs, rssMb } from './processes.mjs';
import { sleep, summarize } from './summary.mjs';

// prom-client's default metrics, under the proxy's `mcp_` prefix. The histogram behind them is
// reset at every scrape, so a scrape before and one after the window bound what we read.
const LAG_P99 = /^mcp_nodejs_eventloop_lag_p99_seconds(?:\{[^}]*\})? ([\d.e+-]+)$/m;
const LAG_MAX = /^mcp_nodejs_eventloop_lag_max_seconds(?:\{[^}]*\})? ([\d.e+-]+)$/m;
// monitorEventLoopDelay samples with a 10 ms timer and reports the timer's whole period, so an
// idle loop reads ≈10 ms: the delay is the reading minus that resolution.
export const LAG_RESOLUTION_MS = 10;

const GAUGE = (name) => new RegExp(`^mcp_${name}(?:\\{[^}]*\\})? ([\\d.e+-]+)$`, 'm');
const HEAP = {
  heapUsedMb: GAUGE('nodejs_heap_size_used_bytes'),
  heapTotalMb: GAUGE('nodejs_heap_size_total_bytes'),
  externalMb: GAUGE('nodejs_external_memory_bytes'),
};

/** Where the proxy's RSS goes, from prom-client's default gauges (MiB); undefined when /metrics lacks them. */
export async function scrapeHeap(base) {
  const res = await fetch(`${base}/metrics`, { headers: { 'x-admin-token': ADMIN_TOKEN } });
  const text = await res.text();
  if (!res.ok) return undefined;
  // BENCH_CHILD_OUT: the whole scrape too (heap spaces, GC counts), beside the smaps the run writes there.
  if (process.env.BENCH_CHILD_OUT) writeFileSync(join(process.env.BENCH_CHILD_OUT, `metrics-${Date.now()}.txt`), text);
  const out = {};
  for (const [key, re] of Object.entries(HEAP)) {
    const m = re.exec(text);
    out[key] = m ? Number(m[1]) / 2 ** 20 : null;
  }
  return out;
}

/** The proxy's event-loop delay since the previous scrape (undefined when /metrics lacks it). */
export async function scrapeLag(base) {
  const res = await fetch(`${base}/metrics`, { headers: { 'x-admin-token': ADMIN_TOKEN } });
  const text = await res.text();
  if (!res.ok) return undefined;
  const p99 = LAG_P99.exec(text);
  const max = LAG_MAX.exec(text);
  if (!p99) return undefined;
  const toDelay = (seconds) => Math.max(0, Number(seconds) * 1000 - LAG_RESOLUTION_MS);
  return { p99Ms: toDelay(p99[1]), maxMs: max ? toDelay(max[1]) : null };
}

function openStream(pool, t, signal, counters) {
  return new Promise((resolve, reject) => {
    pool
      .request({ method: 'POST', path: t.path, headers: t.headers, body: t.body, signal })
      .then(async (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`stream answered ${res.statusCode}: ${(await res.body.text()).slice(0, 200)}`));
          return;
        }
        let first = true;
        res.body.on('data', () => {
          counters.chunks += 1;
          if (first) resolve((first = false));
        });
        res.body.on('error', () => {});
        res.body.on('end', () => {
          counters.ended += 1;
          if (first) reject(new Error('a stream ended before its first byte'));
        });
      })
      .catch(reject);
  });
}

/**
 * Opens `count` streams against the proxy, waits until every one has its first byte, then watches
 * the proxy for `windowMs`: RSS every 200 ms, event-loop delay from /metrics, chunks relayed.
 */
export async function holdOpenStreams({ proxyBase, pid, stream, count, windowMs }) {
  const pool = new Pool(stream.origin, { connections: count, keepAliveTimeout: 1000 });
  const abort = new AbortController();
  setMaxListeners(count + 10, abort.signal);
  const counters = { chunks: 0, ended: 0 };
  const idleRssMb = rssMb(pid);
  try {
    const openStarted = performance.now();
    await Promise.all(Array.from({ length: count }, () => openStream(pool, stream, abort.signal, counters)));
    const openMs = performance.now() - openStarted;
    const lagAvailable = (await scrapeLag(proxyBase)) !== undefined;
    const chunksBefore = counters.chunks;
    const cpuBefore = cpuMs(pid);
    const rss = [];
    const windowEnd = performance.now() + windowMs;
    while (performance.now() < windowEnd) {
      rss.push(rssMb(pid));
      await sleep(200);
    }
    const cpuAfter = cpuMs(pid);
    const lag = lagAvailable ? await scrapeLag(proxyBase) : undefined;
    // What the RSS is made of while every stream is still open: V8 heap used / total and external memory.
    const heap = (await scrapeHeap(proxyBase)) ?? null;
    const relayedPerSec = ((counters.chunks - chunksBefore) * 1000) / windowMs;
    if (counters.ended > 0) throw new Error(`${counters.ended} of ${count} streams ended during the window`);
    const rssSummary = rss.every((v) => v === null) ? null : summarize(rss.filter((v) => v !== null));
    const cpuPercent = cpuBefore === null || cpuAfter === null ? null : ((cpuAfter - cpuBefore) / windowMs) * 100;
    return {
      count,
      openMs,
      idleRssMb,
      rssMb: rssSummary,
      lag: lag ?? null,
      heap,
      relayedChunksPerSec: relayedPerSec,
      cpuPercent,
    };
  } finally {
    abort.abort();
    await pool.destroy().catch(() => {});
  }
}
