// CPU time per request, the figure to decide a change on: a fixed number of requests at a fixed
// concurrency, several rounds, the proxy's and the emulator's user + system time from /proc. On a
// busy machine latency swings with everyone else's load; CPU per request barely does, and the
// median of the rounds leaves out a round that caught a compaction or a major GC.
import autocannon from 'autocannon';
import { cpuMs } from './processes.mjs';
import { summarize } from './summary.mjs';

function fire(t, connections, amount) {
  return autocannon({
    url: `${t.origin}${t.path}`,
    method: 'POST',
    headers: t.headers,
    body: t.body,
    connections,
    pipelining: 1,
    amount,
    timeout: 30,
  });
}

/** Median (and spread) of CPU ms per request for `pid` and `upstreamPid` over `rounds` rounds of `amount` requests. */
export async function cpuPerRequest(t, { pid, upstreamPid, connections, amount, rounds }) {
  await fire(t, connections, amount);
  const own = [];
  const upstream = [];
  let failed = 0;
  for (let i = 0; i < rounds; i++) {
    const before = [cpuMs(pid), upstreamPid ? cpuMs(upstreamPid) : null];
    const result = await fire(t, connections, amount);
    const after = [cpuMs(pid), upstreamPid ? cpuMs(upstreamPid) : null];
    const ok = result['2xx'];
    failed += result.non2xx + result.errors + result.timeouts;
    if (ok === 0 || before[0] === null || after[0] === null) continue;
    own.push((after[0] - before[0]) / ok);
    // BENCH_VERBOSE=1: each round's figure, to see whether the JIT has settled.
    if (process.env.BENCH_VERBOSE)
      process.stderr.write(`[bench]   round ${i + 1}: ${own.at(-1).toFixed(3)} ms/request\n`);
    if (upstreamPid && before[1] !== null && after[1] !== null) upstream.push((after[1] - before[1]) / ok);
  }
  return {
    rounds,
    amount,
    connections,
    failed,
    ms: summarize(own),
    upstreamMs: upstreamPid ? summarize(upstream) : null,
  };
}
