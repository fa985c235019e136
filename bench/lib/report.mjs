// The report: machine description, one table row per figure (proxy, direct, comparison, target,
// met?), printed as markdown and kept in bench/results.json.
import { cpus, freemem, loadavg, release, totalmem, type } from 'node:os';
import { LAG_RESOLUTION_MS } from './open-streams.mjs';
import { round } from './summary.mjs';

export function machineInfo() {
  const list = cpus();
  return {
    cpuModel: list[0]?.model?.trim() ?? 'unknown',
    cores: list.length,
    memoryGb: round(totalmem() / 2 ** 30, 1),
    freeMemoryGb: round(freemem() / 2 ** 30, 1),
    os: `${type()} ${release()}`,
    node: process.version,
    // Other work on the machine skews figures: the 1-minute load average when the run started.
    loadAverage: round(loadavg()[0], 2),
    date: new Date().toISOString(),
  };
}

const ms = (v) => (v === null || v === undefined ? '—' : `${v < 10 ? v.toFixed(3) : v.toFixed(1)} ms`);
const rps = (v) => `${Math.round(v).toLocaleString('en-US')} req/s`;
const mb = (v) => (v === null || v === undefined ? '—' : `${v.toFixed(0)} MB`);
const added = (p, d) => `${p - d >= 0 ? '+' : '−'}${ms(Math.abs(p - d))}`;
const yes = (ok) => (ok ? '✅' : '❌');

function row(figure, proxy, direct, compare, target = '—', met = '—') {
  return { figure, proxy, direct, compare, target, met };
}

/**
 * Issue 20's targets, by case: added latency at c=1 (p50, p99), share of direct throughput at c=32,
 * proxy CPU per request. A case or figure without one is reported without a verdict.
 */
const TARGETS = {
  '/v1/responses small': { p50: 0.5, p99: 1.5, share: 0.5, cpu: 0.25 },
  '/v1/responses 40 KB Codex-CLI': { p50: 0.8 },
  '/v1/chat/completions small': { p50: 0.5, share: 0.5, cpu: 0.25 },
};
const TTFB_ADDED_MAX_MS = 0.5;
const RSS_AFTER_LOAD_MAX_MB = 180;

/** A row whose verdict is `value <= max` when a target exists. */
function judged(figure, proxy, direct, compare, max, value, describe) {
  return max === undefined
    ? row(figure, proxy, direct, compare)
    : row(figure, proxy, direct, compare, describe(max), yes(value <= max));
}

function latencyRows(label, c1, t) {
  return ['p50', 'p99'].map((p) =>
    judged(
      `${label}: latency ${p}, c=1`,
      ms(c1.proxy[p]),
      ms(c1.direct[p]),
      added(c1.proxy[p], c1.direct[p]),
      t[p],
      c1.proxy[p] - c1.direct[p],
      (max) => `added ≤ ${max} ms`,
    ),
  );
}

function loadRows(label, connections, { proxy, direct }, t) {
  const ratio = proxy.rps / direct.rps;
  const share = connections === 32 ? t.share : undefined;
  const rows = [
    row(`${label}: throughput, c=${connections}`, rps(proxy.rps), rps(direct.rps), `${(ratio * 100).toFixed(0)} %`),
    row(
      `${label}: latency p99, c=${connections}`,
      ms(proxy.latency.p99),
      ms(direct.latency.p99),
      added(proxy.latency.p99, direct.latency.p99),
    ),
  ];
  if (share !== undefined) Object.assign(rows[0], { target: `≥ ${share * 100} % of direct`, met: yes(ratio >= share) });
  if (connections !== 32) return rows;
  if (proxy.cpuMsPerRequest !== null && direct.cpuMsPerRequest !== null) {
    rows.push(
      row(
        `${label}: CPU per request, c=32 (proxy process / emulator answering it directly)`,
        ms(proxy.cpuMsPerRequest),
        ms(direct.cpuMsPerRequest),
        proxy.upstreamCpuMsPerRequest == null ? '—' : `emulator behind the proxy ${ms(proxy.upstreamCpuMsPerRequest)}`,
      ),
    );
  }
  if (proxy.eventLoopDelay) {
    const d = proxy.eventLoopDelay;
    rows.push(row(`${label}: proxy event-loop delay p99, c=32`, ms(d.p99Ms), '—', `max ${ms(d.maxMs)}`));
  }
  return rows;
}

function nonStreamingRows(r) {
  const label = `${r.route} ${r.body}`;
  const t = TARGETS[label] ?? {};
  const rows = latencyRows(label, r.c1, t);
  for (const c of [32, 128]) if (r[`c${c}`]) rows.push(...loadRows(label, c, r[`c${c}`], t));
  return rows;
}

/** The dedicated CPU section: median over rounds of a fixed number of requests (the figure the target is on). */
function cpuRows(c) {
  const label = `${c.route} ${c.body}`;
  const t = TARGETS[label] ?? {};
  const { proxy, direct } = c;
  const spread = `${ms(proxy.ms.p50)} (max ${ms(proxy.ms.max)})`;
  return [
    judged(
      `${label}: CPU per request, c=${proxy.connections}, median of ${proxy.rounds} × ${proxy.amount} (proxy / emulator answering directly)`,
      spread,
      ms(direct.ms.p50),
      `emulator behind the proxy ${ms(proxy.upstreamMs?.p50)}`,
      t.cpu,
      proxy.ms.p50,
      (max) => `proxy ≤ ${max} ms`,
    ),
  ];
}

function memoryRows(m) {
  if (!m) return [];
  return [
    row(
      'proxy RSS after the load phases above',
      mb(m.afterLoadRssMb),
      '—',
      `idle after warm-up ${mb(m.idleRssMb)}; V8 heap used ${mb(m.heapUsedMb)} of ${mb(m.heapTotalMb)}, external ${mb(m.externalMb)}`,
      `≤ ${RSS_AFTER_LOAD_MAX_MB} MB`,
      m.afterLoadRssMb === null ? '—' : yes(m.afterLoadRssMb <= RSS_AFTER_LOAD_MAX_MB),
    ),
  ];
}

function streamingRows(s) {
  const rows = [];
  for (const t of s.ttfb) {
    const label = `stream ${t.route} ${t.body}: TTFB`;
    rows.push(
      row(
        `${label} p50`,
        ms(t.proxy.p50),
        ms(t.direct.p50),
        added(t.proxy.p50, t.direct.p50),
        `added ≤ ${TTFB_ADDED_MAX_MS} ms`,
        yes(t.proxy.p50 - t.direct.p50 <= TTFB_ADDED_MAX_MS),
      ),
    );
    rows.push(row(`${label} p99`, ms(t.proxy.p99), ms(t.direct.p99), added(t.proxy.p99, t.direct.p99)));
  }
  for (const d of s.relay) {
    const label = `stream ${d.route}: per-event relay delay`;
    rows.push(row(`${label} p50`, ms(d.proxy.p50), ms(d.direct.p50), added(d.proxy.p50, d.direct.p50)));
    rows.push(row(`${label} p99`, ms(d.proxy.p99), ms(d.direct.p99), added(d.proxy.p99, d.direct.p99)));
  }
  return rows;
}

function openStreamRows(o) {
  const peak = o.rssMb?.max ?? null;
  const n = `${o.count.toLocaleString('en-US')} open streams`;
  const rows = [
    row(
      `${n}: proxy RSS (peak)`,
      mb(peak),
      '—',
      `idle ${mb(o.idleRssMb)}`,
      '≤ 300 MB',
      peak === null ? '—' : yes(peak <= 300),
    ),
  ];
  if (o.lag) {
    rows.push(
      row(
        `${n}: event-loop delay p99`,
        ms(o.lag.p99Ms),
        '—',
        `max ${ms(o.lag.maxMs)}`,
        '≤ 20 ms',
        yes(o.lag.p99Ms <= 20),
      ),
    );
  } else {
    rows.push(row(`${n}: event-loop delay p99`, 'not exposed', '—', '—', '≤ 20 ms', '—'));
  }
  rows.push(
    row(
      `${n}: time to open all`,
      ms(o.openMs),
      '—',
      `${Math.round(o.relayedChunksPerSec).toLocaleString('en-US')} chunks/s relayed`,
    ),
  );
  if (o.cpuPercent !== null) {
    rows.push(row(`${n}: proxy CPU while relaying`, `${o.cpuPercent.toFixed(0)} % of a core`, '—', '—'));
  }
  return rows;
}

function statsRows(s) {
  const n = s.records.toLocaleString('en-US');
  const rows = [
    row(`stats: proxy startup with ${n} records`, ms(s.startupMs), '—', `RSS ${mb(s.rssAfterLoadMb)}`),
    row('stats: first /admin/stats/usage after start', ms(s.firstQueryMs), '—', '—'),
  ];
  for (const q of s.queries)
    rows.push(row(`stats: ${q.name} p50`, ms(q.p50), '—', `max ${ms(q.max)}`, '≤ 50 ms', yes(q.p50 <= 50)));
  return rows;
}

const FLOOR = 'floor: bare forwarder (node:http in, undici out, no work)';
const PROTOCOL = 'floor + protocol work (parse, normalise, SSE fold, answer; no routing, trace or stats)';

/** The floor's figures, each beside the gateway's same figure from this run (see floor.mjs). */
function floorRows(results) {
  return (results.floor ?? []).flatMap((f) => {
    const label = `${FLOOR}, ${f.route} ${f.body}`;
    const gateway = {
      cpu: results.cpu?.find((c) => c.route === f.route && c.body === f.body)?.proxy.ms.p50,
      c1: results.nonStreaming?.find((n) => n.route === f.route && n.body === f.body),
      ttfb: results.streaming?.ttfb.find((t) => t.route === f.route && t.body === f.body),
    };
    const then = (text, value) => (value === undefined ? text : `${text}; the gateway ${value}`);
    const { cpu, c1, c32, ttfb } = f;
    const share = c32.proxy.rps / c32.direct.rps;
    const gatewayLoad = gateway.c1?.c32;
    return [
      row(
        `${label}: CPU per request, c=${cpu.connections}, median of ${cpu.rounds} × ${cpu.amount} (forwarder / emulator behind it)`,
        ms(cpu.ms.p50),
        ms(cpu.upstreamMs?.p50),
        gateway.cpu === undefined ? '—' : `the gateway ${ms(gateway.cpu)}`,
      ),
      ...(f.protocol
        ? [
            row(
              `${PROTOCOL}, ${f.route} ${f.body}: CPU per request, c=${f.protocol.connections}, median of ${f.protocol.rounds} × ${f.protocol.amount} (forwarder / emulator behind it)`,
              ms(f.protocol.ms.p50),
              ms(f.protocol.upstreamMs?.p50),
              gateway.cpu === undefined ? '—' : `the gateway ${ms(gateway.cpu)}`,
            ),
          ]
        : []),
      ...['p50', 'p99'].map((p) =>
        row(
          `${label}: latency ${p}, c=1`,
          ms(c1.proxy[p]),
          ms(c1.direct[p]),
          then(added(c1.proxy[p], c1.direct[p]), gateway.c1 && added(gateway.c1.c1.proxy[p], gateway.c1.c1.direct[p])),
        ),
      ),
      row(
        `${label}: throughput, c=32`,
        rps(c32.proxy.rps),
        rps(c32.direct.rps),
        then(
          `${(share * 100).toFixed(0)} %`,
          gatewayLoad && `${((gatewayLoad.proxy.rps / gatewayLoad.direct.rps) * 100).toFixed(0)} %`,
        ),
      ),
      row(
        `${label}: streaming TTFB p50`,
        ms(ttfb.proxy.p50),
        ms(ttfb.direct.p50),
        then(
          added(ttfb.proxy.p50, ttfb.direct.p50),
          gateway.ttfb && added(gateway.ttfb.proxy.p50, gateway.ttfb.direct.p50),
        ),
      ),
    ];
  });
}

function overheadRow(results) {
  const h = results.overheadHeader;
  if (h === undefined) return [];
  if (h === null) return [row('x-proxy-overhead-ms header', 'absent', '—', '—')];
  return [row(`x-proxy-overhead-ms header (${h.n} responses) p50 / p99`, `${h.p50} / ${h.p99} ms`, '—', '—')];
}

export function tableRows(results) {
  return [
    ...(results.cpu ?? []).flatMap(cpuRows),
    ...(results.nonStreaming ?? []).flatMap(nonStreamingRows),
    ...(results.streaming ? streamingRows(results.streaming) : []),
    ...overheadRow(results),
    ...floorRows(results),
    ...memoryRows(results.memory),
    ...(results.openStreams ? openStreamRows(results.openStreams) : []),
    ...(results.stats ? statsRows(results.stats) : []),
  ];
}

export function markdown(results) {
  const m = results.machine;
  const lines = [
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGb} GB RAM, ${m.os}, Node ${m.node}; ${m.date}; ` +
      `load average ${m.loadAverage} at the start, ${m.loadAverageAtEnd ?? '?'} at the end; the run took ${results.durationSec} s.`,
    '',
    '| Figure | Proxy | Direct | Ratio / added | Target | Met? |',
    '|---|---|---|---|---|---|',
    ...results.rows.map((r) => `| ${r.figure} | ${r.proxy} | ${r.direct} | ${r.compare} | ${r.target} | ${r.met} |`),
    '',
    `Event-loop delay is prom-client's p99 minus its ${LAG_RESOLUTION_MS} ms sampling period. MB are MiB (VmRSS / 1024).`,
  ];
  return lines.join('\n');
}
