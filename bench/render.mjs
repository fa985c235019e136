// Writes the one published run, bench/results.json, into bench/RESULTS.md (every figure) and the README's
// benchmark section (the headline figures), between marker comments, so all three always show the same run.
// `npm run bench` calls it after a run; `node bench/render.mjs --check` exits 1 when a document is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The figures the README shows, by the start of their row name in results.json. */
const HEADLINE = [
  '/v1/responses small: latency p50, c=1',
  '/v1/chat/completions small: latency p50, c=1',
  '/v1/responses small: throughput, c=32',
  'floor: bare forwarder (node:http in, undici out, no work), /v1/responses small: latency p50',
  'floor: bare forwarder (node:http in, undici out, no work), /v1/responses small: throughput',
  '/v1/responses small: CPU per request, c=8',
  '/v1/chat/completions small: CPU per request, c=8',
  'floor + protocol work (parse, normalise, SSE fold, answer; no routing, trace or stats), /v1/responses small',
  'proxy RSS after the load phases',
  'stream /v1/chat/completions small: TTFB p50',
  'stream /v1/responses: per-event relay delay p50',
  '1,000 open streams: proxy RSS',
  'stats: usage, whole history p50',
  'stats: proxy startup with',
];

function machineLine(results) {
  const m = results.machine;
  const end = m.loadAverageAtEnd === undefined ? '' : `, ${m.loadAverageAtEnd} at the end`;
  return (
    `Run of ${m.date} (took ${results.durationSec} s): ${m.cpuModel}, ${m.cores} cores shared by proxy, ` +
    `emulator and load generator, ${m.memoryGb} GB RAM, ${m.os}, Node ${m.node}; load average ${m.loadAverage} ` +
    `at the start${end}.`
  );
}

function table(rows) {
  return [
    '| Figure | Proxy | Direct | Ratio / added | Target | Met? |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.figure} | ${r.proxy} | ${r.direct} | ${r.compare} | ${r.target} | ${r.met} |`),
  ].join('\n');
}

/** Every figure, for bench/RESULTS.md. */
export function fullTable(results) {
  const notMeasured = results.errors.map((e) => `\n\nNot measured (${e.section}): ${e.message}`).join('');
  return `${machineLine(results)}\n\n${table(results.rows)}${notMeasured}`;
}

/** The headline figures, for the README. */
export function headlineTable(results) {
  const rows = HEADLINE.flatMap((prefix) => results.rows.filter((r) => r.figure.startsWith(prefix)).slice(0, 1));
  return `${machineLine(results)} Every figure: [bench/RESULTS.md](bench/RESULTS.md).\n\n${table(rows)}`;
}

/** `text` with what lies between `<!-- name:start -->` and `<!-- name:end -->` replaced by `content`. */
export function replaceBetween(text, name, content, file) {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${file} has no ${start} … ${end} markers`);
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}

function render(check) {
  const results = JSON.parse(readFileSync(join(root, 'bench/results.json'), 'utf8'));
  const targets = [
    ['bench/RESULTS.md', 'bench:results', fullTable(results)],
    ['README.md', 'bench:summary', headlineTable(results)],
  ];
  const stale = [];
  for (const [file, name, content] of targets) {
    const path = join(root, file);
    const before = readFileSync(path, 'utf8');
    const after = replaceBetween(before, name, content, file);
    if (after === before) continue;
    stale.push(file);
    if (!check) writeFileSync(path, after);
  }
  if (check && stale.length > 0) {
    process.stderr.write(`${stale.join(', ')}: not the run in bench/results.json; run node bench/render.mjs\n`);
    process.exit(1);
  }
  if (!check) process.stdout.write(`bench/render: ${stale.length ? stale.join(', ') : 'nothing'} updated\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) render(process.argv.includes('--check'));
