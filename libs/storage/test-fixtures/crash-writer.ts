// Child process for crash.spec.ts: writes in a loop and prints `ack <seq>` once a write is durable,
// until the parent kills it with SIGKILL. The spec transpiles it; by hand:
// node -r ts-node/register/transpile-only libs/storage/test-fixtures/crash-writer.ts <dir> <retain>
import { join } from 'node:path';
import { JsonDocumentStore, JsonlLog } from '../src';

interface SeqRecord {
  seq: number;
}

// A document big enough that a kill often lands while the temp file is half written.
const PADDING = 'x'.repeat(64 * 1024);

async function main(): Promise<void> {
  const [dir, retainArg] = process.argv.slice(2);
  if (!dir || !retainArg) throw new Error('usage: crash-writer <dir> <retain>');
  const retain = Number(retainArg);
  const store = new JsonDocumentStore<SeqRecord & { padding: string }>(join(dir, 'doc.json'));
  const log = new JsonlLog<SeqRecord>(join(dir, 'log.jsonl'), { flushIntervalMs: 5 });

  // Like a real boot: a corrupt document stops us (the parent then sees a non-SIGKILL exit).
  await store.read();
  // The log is the authority on which seq numbers were used; continuing after its last record
  // keeps the log gap-free even when a kill lost buffered, never-acknowledged records.
  let seq = 0;
  await log.readAll((record) => {
    seq = record.seq;
  });

  for (let batch = 0; ; batch += 1) {
    // Batches of 1-4 concurrent writes exercise the store's coalescing queue.
    const acks: Array<Promise<void>> = [];
    for (let i = 0; i <= batch % 4; i += 1) {
      seq += 1;
      const mine = seq;
      log.append({ seq: mine });
      const durable = Promise.all([log.flush(), store.write({ seq: mine, padding: PADDING })]);
      acks.push(durable.then(() => void process.stdout.write(`ack ${mine}\n`)));
    }
    await Promise.all(acks);
    if (batch % 7 === 6) await log.retain(retain);
  }
}

// If the parent test process dies, our stdin closes: stop instead of writing forever.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
process.stdout.on('error', () => process.exit(0));

main().catch((error: unknown) => {
  process.stderr.write(`crash-writer failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
