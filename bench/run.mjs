// `npm run bench`: the proxy's cost in the request path, measured against the bundled ChatGPT
// emulator on loopback, proxy vs direct-to-emulator in the same run. Prints a markdown table and
// writes bench/results.json.
//
// Options: --quick (under a minute: short runs, c=32 only, no stats; for a profile/measure loop),
// --only=cpu,nonstream,streaming,streams,stats (cpu: CPU per request only, ~30 s), --cpu-prof (proxies write V8 CPU profiles to
// bench/profiles/). Those partial runs write bench/results.partial.json instead.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { chatBody, responsesBody } from './lib/bodies.mjs';
import { cpuPerRequest } from './lib/cpu.mjs';
import { latencyPair, target, throughput } from './lib/load.mjs';
import { holdOpenStreams, scrapeHeap, scrapeLag } from './lib/open-streams.mjs';
import { root, rssMb, stop, stopAll } from './lib/processes.mjs';
import { markdown, machineInfo, tableRows } from './lib/report.mjs';
import {
  captureUpstream,
  control,
  onboardAll,
  removeTempDirs,
  startEmulator,
  startProxy,
  tempDataDir,
} from './lib/setup.mjs';
import { floor } from './lib/floor.mjs';
import { statsBench } from './lib/stats-bench.mjs';
import { relayDelayPair, startTap, ttfbPair } from './lib/streaming.mjs';
import { round, sleep, summarize } from './lib/summary.mjs';

const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
// --quick leaves the stats section out unless --only asks for it: it alone takes longer than a minute.
const ONLY =
  args
    .find((a) => a.startsWith('--only='))
    ?.slice(7)
    .split(',') ?? (QUICK ? ['cpu', 'floor', 'nonstream', 'streaming', 'streams'] : undefined);
// BENCH_NODE_ARGS (space-separated) adds V8/Node flags to the proxies, e.g. "--trace-deopt" with BENCH_CHILD_OUT.
const NODE_ARGS = [
  ...(args.includes('--cpu-prof') ? ['--cpu-prof', `--cpu-prof-dir=${join(root, 'bench', 'profiles')}`] : []),
  ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
];
const BUDGET_MS = 8 * 60_000;

const PLAN = QUICK
  ? {
      cpu: { connections: 8, amount: 1000, rounds: Number(process.env.BENCH_CPU_ROUNDS ?? 3) },
      c1: { warmupMs: 200, measureMs: 500, maxPairs: 500 },
      load: { warmupSec: 1, measureSec: 1.5, connections: [32] },
      ttfb: { warmup: 5, pairs: 30 },
      relay: { warmup: 1, streams: 3, deltas: 30, intervalMs: 2 },
      open: { count: 200, windowMs: 1500, intervalMs: 100, deltas: 300 },
      stats: { records: 100_000, runs: 3 },
    }
  : {
      c1: { warmupMs: 500, measureMs: 2500, maxPairs: 3000 },
      cpu: { connections: 8, amount: 2000, rounds: 3 },
      load: { warmupSec: 1, measureSec: 3, connections: [32, 128] },
      ttfb: { warmup: 20, pairs: 200 },
      relay: { warmup: 3, streams: 25, deltas: 40, intervalMs: 2 },
      open: { count: 1000, windowMs: 4000, intervalMs: 100, deltas: 600 },
      stats: { records: 1_000_000, runs: 9 },
    };

const ROUTES = [
  { route: '/v1/responses', build: responsesBody },
  { route: '/v1/chat/completions', build: chatBody },
];
// --body=small or --body=codex: one body only (a profile of one kind of request).
const BODY_ARG = args.find((a) => a.startsWith('--body='))?.slice(7);
const BODIES = [
  { body: 'small', codex: false },
  { body: '40 KB Codex-CLI', codex: true },
].filter(({ codex }) => !BODY_ARG || (BODY_ARG === 'codex') === codex);

const log = (line) => process.stderr.write(`[bench] ${line}\n`);
// Other work on the machine skews latency (CPU per request much less): kept beside each figure.
const load1 = () => round(loadavg()[0], 2);
const wants = (section) => !ONLY || ONLY.includes(section);

const PROMPT = 'Say hello.';

/** The proxy-side request and the identical upstream request the proxy made for it. */
async function pairFor(env, route, clientBody, prompt = PROMPT) {
  const direct = await captureUpstream(env.emulator.url, env.proxy.base, route, clientBody, prompt);
  return {
    proxy: target(env.proxy.base, route, {}, JSON.stringify(clientBody)),
    direct: target(env.emulator.url, direct.path, direct.headers, direct.body),
  };
}

/** Every request pair, captured up front while nothing else is in flight. */
async function capturePairs(env) {
  const pairs = {};
  const relayPrompt = `long ${PLAN.relay.deltas}`;
  for (const { route, build } of ROUTES) {
    for (const { body, codex } of BODIES) {
      pairs[`plain ${route} ${body}`] = await pairFor(env, route, build({ prompt: PROMPT, codex }));
      pairs[`stream ${route} ${body}`] = await pairFor(env, route, build({ prompt: PROMPT, codex, stream: true }));
    }
    pairs[`relay ${route}`] = await pairFor(env, route, build({ prompt: relayPrompt, stream: true }), relayPrompt);
  }
  return pairs;
}

/** CPU per request of the proxy and of the emulator behind it (and of the emulator answering directly). */
async function cpu(env) {
  const out = [];
  for (const { route } of ROUTES) {
    for (const { body } of BODIES) {
      log(`CPU per request ${route} ${body}: ${PLAN.cpu.rounds} × ${PLAN.cpu.amount} requests`);
      const pair = env.pairs[`plain ${route} ${body}`];
      const emulatorPid = env.emulator.handle.pid;
      const direct = await cpuPerRequest(pair.direct, { ...PLAN.cpu, pid: emulatorPid });
      const proxy = await cpuPerRequest(pair.proxy, {
        ...PLAN.cpu,
        pid: env.proxy.handle.pid,
        upstreamPid: emulatorPid,
      });
      out.push({ route, body, proxy, direct, loadAverage: load1() });
    }
  }
  return out;
}

async function nonStreaming(env, overheads) {
  const out = [];
  for (const { route } of ROUTES) {
    for (const { body } of BODIES) {
      const pair = env.pairs[`plain ${route} ${body}`];
      log(`non-streaming ${route} ${body}: c=1`);
      const { overheadValues, ...c1 } = await latencyPair({ ...pair, ...PLAN.c1 });
      overheads.push(overheadValues);
      const entry = { route, body, bodyBytes: pair.proxy.body.length, upstreamBytes: pair.direct.body.length, c1 };
      for (const connections of PLAN.load.connections) {
        log(`non-streaming ${route} ${body}: c=${connections}`);
        const { warmupSec, measureSec } = PLAN.load;
        const plan = { connections, warmupSec, measureSec };
        const direct = await throughput(pair.direct, { ...plan, pid: env.emulator.handle.pid });
        await scrapeLag(env.proxy.base);
        const proxy = await throughput(pair.proxy, {
          ...plan,
          pid: env.proxy.handle.pid,
          upstreamPid: env.emulator.handle.pid,
        });
        // Warm-up and measured run alike: the scrape before the warm-up reset prom-client's histogram.
        proxy.eventLoopDelay = (await scrapeLag(env.proxy.base)) ?? null;
        proxy.loadAverage = load1();
        if (proxy.failed > 0 || direct.failed > 0) log(`  failures: proxy ${proxy.failed}, direct ${direct.failed}`);
        entry[`c${connections}`] = { proxy, direct };
      }
      out.push(entry);
    }
  }
  return out;
}

async function ttfb(env, overheads) {
  const out = [];
  for (const { route } of ROUTES) {
    for (const { body } of BODIES) {
      log(`streaming TTFB ${route} ${body}`);
      const pair = env.pairs[`stream ${route} ${body}`];
      const { overheadValues, ...result } = await ttfbPair({ ...pair, ...PLAN.ttfb });
      overheads.push(overheadValues);
      out.push({ route, body, ...result });
    }
  }
  return out;
}

/** A second proxy whose upstream is the tap, so each delta's forwarding time is known. */
async function relayDelay(env) {
  const tap = await startTap(env.emulator.url);
  const relay = await startProxy({
    label: 'proxy-relay',
    emulatorUrl: env.emulator.url,
    upstreamUrl: tap.url,
    dataDir: tempDataDir('relay'),
    nodeArgs: NODE_ARGS,
  });
  const out = [];
  try {
    await onboardAll(relay.base);
    await control(env.emulator.url, 'PATCH', 'options', { deltaIntervalMs: PLAN.relay.intervalMs });
    for (const { route } of ROUTES) {
      log(`streaming relay delay ${route} (${PLAN.relay.deltas} paced deltas per stream)`);
      const pair = env.pairs[`relay ${route}`];
      const proxy = { ...pair.proxy, origin: relay.base };
      const direct = { ...pair.direct, origin: tap.url };
      out.push({ route, ...(await relayDelayPair({ tap, proxy, direct, ...PLAN.relay })) });
    }
  } finally {
    await control(env.emulator.url, 'PATCH', 'options', { deltaIntervalMs: 0 });
    await stop(relay.handle);
    await tap.close();
  }
  return out;
}

/** A fresh proxy, so the figure is what streams cost rather than what earlier load left on the heap. */
async function openStreams(env) {
  const { count, windowMs, intervalMs, deltas } = PLAN.open;
  log(`${count} open streams (Codex-CLI requests, a delta every ${intervalMs} ms each), watched for ${windowMs} ms`);
  const dataDir = tempDataDir('streams');
  const proxy = await startProxy({
    label: 'proxy-streams',
    emulatorUrl: env.emulator.url,
    dataDir,
    nodeArgs: NODE_ARGS,
  });
  await control(env.emulator.url, 'PATCH', 'options', { deltaIntervalMs: intervalMs });
  try {
    await onboardAll(proxy.base);
    const body = JSON.stringify(responsesBody({ prompt: `long ${deltas}`, codex: true, stream: true }));
    const stream = target(proxy.base, '/v1/responses', {}, body);
    return await holdOpenStreams({ proxyBase: proxy.base, pid: proxy.handle.pid, stream, count, windowMs });
  } finally {
    await control(env.emulator.url, 'PATCH', 'options', { deltaIntervalMs: 0 });
    await stop(proxy.handle);
  }
}

async function stats(env) {
  log(`stats over ${PLAN.stats.records} history records`);
  const result = await statsBench({ emulatorUrl: env.emulator.url, ...PLAN.stats, nodeArgs: NODE_ARGS, log });
  await stop(result.proxy.handle);
  delete result.proxy;
  return result;
}

function overheadSummary(overheads) {
  const all = overheads.flat();
  return all.length > 0 ? summarize(all) : null;
}

async function main() {
  const started = Date.now();
  const results = { machine: machineInfo(), plan: QUICK ? 'quick' : 'full' };
  log(`${results.machine.cpuModel}, ${results.machine.cores} cores, Node ${results.machine.node}`);
  const emulator = await startEmulator();
  const proxy = await startProxy({
    label: 'proxy',
    emulatorUrl: emulator.url,
    dataDir: tempDataDir('main'),
    nodeArgs: NODE_ARGS,
  });
  const accounts = await onboardAll(proxy.base);
  log(
    `emulator ${emulator.url}, proxy ${proxy.base} (started in ${proxy.startupMs.toFixed(0)} ms), ${accounts.length} accounts onboarded via OAuth`,
  );
  const env = { emulator, proxy };
  if (wants('cpu') || wants('nonstream') || wants('streaming') || wants('floor')) env.pairs = await capturePairs(env);
  const idleRssMb = rssMb(proxy.handle.pid);
  const overheads = [];
  results.errors = [];
  // A section that fails is reported and the others still run: one table with what could be measured.
  const section = async (name, run) => {
    if (!wants(name)) return undefined;
    try {
      return await run();
    } catch (error) {
      log(`${name} failed: ${error.stack ?? error.message}`);
      results.errors.push({ section: name, message: error.message });
      return undefined;
    }
  };
  results.cpu = await section('cpu', () => cpu(env));
  // Before the gateway's load phases, with the gateway idle: the floor shares the machine with nobody else.
  results.floor = await section('floor', () => floor(env, BODIES, PLAN, log));
  results.nonStreaming = await section('nonstream', () => nonStreaming(env, overheads));
  results.streaming = await section('streaming', async () => ({
    ttfb: await ttfb(env, overheads),
    relay: await relayDelay(env),
  }));
  if (results.cpu || results.nonStreaming || results.streaming) {
    results.overheadHeader = overheadSummary(overheads);
    // BENCH_CHILD_OUT: the proxy's memory map at this point, to see what the resident memory is.
    if (process.env.BENCH_CHILD_OUT)
      writeFileSync(
        join(process.env.BENCH_CHILD_OUT, `proxy-${proxy.handle.pid}.smaps`),
        readFileSync(`/proc/${proxy.handle.pid}/smaps`),
      );
    // The main proxy after every request above: what the load left behind (target: ≤ 180 MiB).
    results.memory = {
      idleRssMb,
      afterLoadRssMb: rssMb(proxy.handle.pid),
      ...(await scrapeHeap(proxy.base)),
      loadAverage: load1(),
    };
  }
  // BENCH_SETTLE=1: the RSS and heap every 3 s for 18 s after the load (how long garbage waits for a full GC).
  if (process.env.BENCH_SETTLE && results.memory) {
    for (let s = 3; s <= 18; s += 3) {
      await sleep(3000);
      log(
        `settle +${s} s: RSS ${rssMb(proxy.handle.pid)?.toFixed(0)} MB, ${JSON.stringify(await scrapeHeap(proxy.base))}`,
      );
    }
  }
  results.openStreams = await section('streams', () => openStreams(env));
  results.stats = await section('stats', () => stats(env));
  results.durationSec = Math.round((Date.now() - started) / 1000);
  results.machine.loadAverageAtEnd = load1();
  results.rows = tableRows(results);
  return results;
}

async function shutdown() {
  await stopAll();
  removeTempDirs();
}

process.once('SIGINT', () => {
  log('interrupted: stopping everything');
  shutdown().finally(() => process.exit(130));
});

const watchdog = setTimeout(() => {
  log(`the run exceeded ${BUDGET_MS / 60_000} minutes: stopping`);
  shutdown().finally(() => process.exit(1));
}, BUDGET_MS);
watchdog.unref();

try {
  const results = await main();
  await shutdown();
  const table = markdown(results);
  process.stdout.write(`\n${table}\n`);
  for (const { section, message } of results.errors) process.stdout.write(`\nNot measured (${section}): ${message}\n`);
  mkdirSync(join(root, 'bench'), { recursive: true });
  // Only a complete run at the defaults replaces the published results; --quick, --only and what-if runs
  // (extra node flags, proxy settings, a profiler) are kept aside.
  const whatIf = NODE_ARGS.length > 0 || Boolean(process.env.BENCH_PROXY_ENV);
  const file = QUICK || ONLY || BODY_ARG || whatIf ? 'results.partial.json' : 'results.json';
  writeFileSync(join(root, 'bench', file), `${JSON.stringify(results, null, 2)}\n`);
  log(`done in ${results.durationSec} s; wrote bench/${file}`);
  process.exit(results.errors.length > 0 ? 1 : 0);
} catch (error) {
  log(`failed: ${error.stack ?? error.message}`);
  await shutdown();
  process.exit(1);
}
