import { generateHistory, StatsHistory, writeHistoryFile } from '@mcp/tracing';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

async function main() {
  const N = Number(process.argv[2] ?? 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  const path = join(dir, 'h.jsonl');
  let t = Date.now();
  const bytes = await writeHistoryFile(path, { count: N });
  console.log(`write ${N}: ${Date.now() - t} ms, ${(bytes / 1e6).toFixed(0)} MB`);
  const heap0 = process.memoryUsage().heapUsed;
  t = Date.now();
  const h = new StatsHistory(path);
  await h.load();
  console.log(`load: ${Date.now() - t} ms; columns ${(h.columnBytes / 1e6).toFixed(1)} MB; cells ${h.cellCount}; heap +${((process.memoryUsage().heapUsed - heap0) / 1e6).toFixed(0)} MB`);
  for (const [name, f] of [['all', {}], ['account', { accountId: 'acc_beta' }], ['7d', { sinceMs: Date.UTC(2025, 2, 20, 5, 3), untilMs: Date.UTC(2025, 2, 27, 1) }], ['24h', { sinceMs: Date.UTC(2025, 2, 20, 5, 3), untilMs: Date.UTC(2025, 2, 21, 5, 3) }]] as const) {
    for (let k = 0; k < 3; k++) {
      t = performance.now();
      const u = h.usage(f, () => null);
      const a = performance.now() - t;
      t = performance.now();
      const s = h.traceStats(f, 3_600_000);
      const b = performance.now() - t;
      console.log(`${name}: usage ${a.toFixed(1)} ms (${u.tracesMatched}), traces ${b.toFixed(1)} ms (${s.stats.timeseries.length} pts)`);
    }
  }
  await h.close();
  rmSync(dir, { recursive: true, force: true });
}
main();
