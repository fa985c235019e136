// Non-streaming load: an undici loop for latency at concurrency 1 (sub-millisecond resolution,
// response headers), autocannon for throughput at higher concurrency.
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { Client } from 'undici';
import { cpuMs } from './processes.mjs';
import { summarize } from './summary.mjs';

/** A request the benchmark can replay: where, and exactly what (the body already serialized). */
export function target(origin, path, headers, body) {
  return { origin, path, headers: { 'content-type': 'application/json', ...headers }, body };
}

async function timedRequest(client, t) {
  const started = performance.now();
  const res = await client.request({ method: 'POST', path: t.path, headers: t.headers, body: t.body });
  const text = await res.body.text();
  const ms = performance.now() - started;
  if (res.statusCode !== 200) throw new Error(`${t.origin}${t.path} answered ${res.statusCode}: ${text.slice(0, 300)}`);
  const header = res.headers['x-proxy-overhead-ms'];
  return { ms, overhead: typeof header === 'string' ? Number(header) : undefined, text };
}

/**
 * Latency at concurrency 1, proxy and direct interleaved request by request (alternating which goes
 * first) so both see the same machine state. Warm-up first; then until `measureMs` or `maxPairs`.
 */
export async function latencyPair({ proxy, direct, warmupMs, measureMs, maxPairs }) {
  const clients = { proxy: new Client(proxy.origin), direct: new Client(direct.origin) };
  const samples = { proxy: [], direct: [], overhead: [] };
  try {
    const first = await timedRequest(clients.direct, direct);
    if (!first.text.includes('response.completed')) throw new Error('the direct stream did not complete');
    const run = async (untilMs, record) => {
      const end = performance.now() + untilMs;
      for (let i = 0; performance.now() < end && (!record || samples.proxy.length < maxPairs); i++) {
        const order = i % 2 === 0 ? ['direct', 'proxy'] : ['proxy', 'direct'];
        for (const side of order) {
          const result = await timedRequest(clients[side], side === 'proxy' ? proxy : direct);
          if (!record) continue;
          samples[side].push(result.ms);
          if (side === 'proxy' && result.overhead !== undefined) samples.overhead.push(result.overhead);
        }
      }
    };
    await run(warmupMs, false);
    await run(measureMs, true);
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

function cannon(t, connections, seconds, onResponse) {
  const instance = autocannon({
    url: `${t.origin}${t.path}`,
    method: 'POST',
    headers: t.headers,
    body: t.body,
    connections,
    pipelining: 1,
    duration: seconds,
    timeout: 30,
  });
  if (onResponse) instance.on('response', onResponse);
  return instance;
}

/** CPU ms each process spent per answered request between two `cpuMs` readings. */
function perRequest(before, after, ok) {
  return before !== null && after !== null && ok > 0 ? (after - before) / ok : null;
}

/**
 * Requests per second and latency percentiles at `connections` concurrency, after a warm-up run.
 * With `pid`, also that process's CPU time per request (user + system from /proc: robust on a busy
 * machine, unlike latency); with `upstreamPid` (the emulator behind a proxy), that one's as well.
 */
export async function throughput(t, { connections, warmupSec, measureSec, pid, upstreamPid }) {
  await cannon(t, connections, warmupSec);
  const times = [];
  const read = () => ({ own: pid ? cpuMs(pid) : null, upstream: upstreamPid ? cpuMs(upstreamPid) : null });
  const before = read();
  const result = await cannon(t, connections, measureSec, (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) times.push(ms);
  });
  const after = read();
  const ok = result['2xx'];
  const out = {
    rps: ok / result.duration,
    ok,
    failed: result.non2xx + result.errors + result.timeouts,
    latency: summarize(times),
    cpuMsPerRequest: perRequest(before.own, after.own, ok),
  };
  if (upstreamPid) out.upstreamCpuMsPerRequest = perRequest(before.upstream, after.upstream, ok);
  return out;
}
