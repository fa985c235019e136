import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ModuleKind, ScriptTarget, transpileModule } from 'typescript';
import { JsonDocumentStore } from './json-document-store';
import { JsonlLog } from './jsonl-log';

// The crash story of PROTOCOL §10.1: a writer killed with SIGKILL at random moments never leaves
// an unparsable document, and never loses or duplicates an acknowledged log record.
const LIB_DIR = join(__dirname, '..');
const ROUNDS = 20;
const RETAIN = 60;
const ROUND_DEADLINE_MS = 15_000;

interface RoundResult {
  acked: number[];
  signal: NodeJS.Signals | null;
  code: number | null;
  stderr: string;
}

/**
 * Transpiles the writer and the lib once into `outDir` (same relative layout), so each round
 * starts plain node instead of paying ts-node's start-up cost twenty times.
 */
function buildWriter(outDir: string): string {
  const sources = [
    ...readdirSync(join(LIB_DIR, 'src'))
      .filter((name) => name.endsWith('.ts') && !name.endsWith('.spec.ts'))
      .map((name) => join('src', name)),
    join('test-fixtures', 'crash-writer.ts'),
  ];
  for (const source of sources) {
    const { outputText } = transpileModule(readFileSync(join(LIB_DIR, source), 'utf8'), {
      compilerOptions: { module: ModuleKind.CommonJS, target: ScriptTarget.ES2022, esModuleInterop: true },
      fileName: basename(source),
    });
    const target = join(outDir, source.replace(/\.ts$/, '.js'));
    mkdirSync(join(target, '..'), { recursive: true });
    writeFileSync(target, outputText);
  }
  return join(outDir, 'test-fixtures', 'crash-writer.js');
}

/** Starts the writer, SIGKILLs it a random moment after its `killAfterAcks`-th ack. */
function runUntilKilled(
  writer: string,
  dir: string,
  killAfterAcks: number,
  extraDelayMs: number,
): Promise<RoundResult> {
  const child = spawn(process.execPath, [writer, dir, String(RETAIN)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const acked: number[] = [];
  let stdout = '';
  let stderr = '';
  const kill = () => child.kill('SIGKILL');
  const deadline = setTimeout(kill, ROUND_DEADLINE_MS);
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    const lines = stdout.split('\n');
    stdout = lines.pop() ?? '';
    for (const line of lines) {
      const match = /^ack (\d+)$/.exec(line);
      if (!match) continue;
      acked.push(Number(match[1]));
      if (acked.length === killAfterAcks) setTimeout(kill, extraDelayMs);
    }
  });
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      clearTimeout(deadline);
      resolve({ acked, signal, code, stderr });
    });
  });
}

function tempSiblings(dir: string, name: string): string[] {
  return readdirSync(dir).filter((entry) => entry.startsWith(`${name}.tmp-`));
}

async function readLog(path: string): Promise<{ seqs: number[]; skipped: number }> {
  const log = new JsonlLog<{ seq: number }>(path);
  const seqs: number[] = [];
  const { skipped } = await log.readAll((record) => seqs.push(record.seq));
  await log.close();
  return { seqs, skipped };
}

describe('storage survives SIGKILL at random moments', () => {
  let root: string;
  let dir: string;
  let writer: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'mcp-crash-'));
    dir = join(root, 'data');
    writer = buildWriter(join(root, 'build'));
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('keeps every acknowledged write across repeated crashes', async () => {
    const docPath = join(dir, 'doc.json');
    const logPath = join(dir, 'log.jsonl');
    let maxAcked = 0;
    let tornLinesInjected = 0;

    for (let round = 0; round < ROUNDS; round += 1) {
      const killAfterAcks = 1 + Math.floor(Math.random() * 40);
      const result = await runUntilKilled(writer, dir, killAfterAcks, Math.floor(Math.random() * 8));
      if (result.signal !== 'SIGKILL') {
        // The writer stopped on its own, e.g. because it found a corrupt file at startup.
        throw new Error(`round ${round}: writer exited with code ${result.code}: ${result.stderr}`);
      }
      expect(result.acked.length).toBeGreaterThanOrEqual(killAfterAcks);
      maxAcked = Math.max(maxAcked, ...result.acked);

      const doc = JSON.parse(readFileSync(docPath, 'utf8')) as { seq: number };
      expect(doc.seq).toBeGreaterThanOrEqual(maxAcked);
      // Each start clears the previous crash's temp files, so at most the last kill's remains.
      expect(tempSiblings(dir, 'doc.json').length).toBeLessThanOrEqual(1);

      const { seqs, skipped } = await readLog(logPath);
      const last = seqs[seqs.length - 1] ?? 0;
      expect(skipped).toBeLessThanOrEqual(tornLinesInjected);
      expect(last).toBeGreaterThanOrEqual(maxAcked);
      // Consecutive seqs: nothing acknowledged went missing and nothing was written twice;
      // retention keeps at least the newest RETAIN of them.
      expect(seqs.length).toBeGreaterThanOrEqual(Math.min(RETAIN, last));
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => last - seqs.length + 1 + i));

      // A torn final line, as a crash mid-append leaves: the next writer must start a fresh line.
      if (round % 4 === 1) {
        appendFileSync(logPath, '{"seq":');
        tornLinesInjected += 1;
      }
    }

    expect(maxAcked).toBeGreaterThan(ROUNDS);
    const store = new JsonDocumentStore<{ seq: number }>(docPath);
    expect((await store.read())?.seq).toBeGreaterThanOrEqual(maxAcked);
    expect(tempSiblings(dir, 'doc.json')).toEqual([]);
  }, 90_000);
});
