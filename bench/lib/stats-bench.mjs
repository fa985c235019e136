// Stats over a 1,000,000-record history: the proxy's startup (the history is loaded at boot) and
// the time of the admin stats queries.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeHistory } from './history.mjs';
import { ADMIN_TOKEN, rssMb } from './processes.mjs';
import { startProxy, tempDataDir } from './setup.mjs';
import { summarize } from './summary.mjs';

async function timedGet(base, path) {
  const started = performance.now();
  const res = await fetch(`${base}${path}`, { headers: { 'x-admin-token': ADMIN_TOKEN } });
  const text = await res.text();
  const ms = performance.now() - started;
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${text.slice(0, 300)}`);
  return { ms, json: JSON.parse(text) };
}

function queries(history) {
  const weekAgo = history.lastAt - 7 * 86_400_000;
  return [
    { name: 'usage, whole history', path: '/admin/stats/usage' },
    { name: 'usage, last 7 days', path: `/admin/stats/usage?sinceMs=${weekAgo}` },
    { name: 'usage, one account', path: '/admin/stats/usage?accountId=acc_5b7e0a913c' },
    { name: 'traces, hourly buckets', path: '/admin/stats/traces' },
    { name: 'traces, daily buckets', path: '/admin/stats/traces?bucketMs=86400000' },
  ];
}

/** Generates the history, boots a proxy on it, then runs each query `runs` times after one warm-up. */
export async function statsBench({ emulatorUrl, records, runs, nodeArgs, log }) {
  const dataDir = tempDataDir('stats');
  const genStarted = performance.now();
  const history = await writeHistory(join(dataDir, 'requests-stats-history.jsonl'), { count: records });
  const generateMs = performance.now() - genStarted;
  log(`  generated ${records} records (${(history.bytes / 1e6).toFixed(0)} MB) in ${(generateMs / 1000).toFixed(1)} s`);
  const proxy = await startProxy({ label: 'proxy-stats', emulatorUrl, dataDir, nodeArgs });
  const first = await timedGet(proxy.base, '/admin/stats/usage');
  const loaded = first.json.tracesEvaluated;
  if (loaded !== records) throw new Error(`the proxy loaded ${loaded} of ${records} history records`);
  const results = [];
  for (const q of queries(history)) {
    await timedGet(proxy.base, q.path);
    const times = [];
    for (let i = 0; i < runs; i++) times.push((await timedGet(proxy.base, q.path)).ms);
    results.push({ name: q.name, path: q.path, ...summarize(times) });
  }
  return {
    records,
    historyBytes: history.bytes,
    generateMs,
    startupMs: proxy.startupMs,
    firstQueryMs: first.ms,
    rssAfterLoadMb: rssMb(proxy.handle.pid),
    queries: results,
    proxy,
  };
}
