import { FakeChatgpt } from './emulator';
import type { StartOptions } from './types';

interface CliArgs {
  start: StartOptions;
  accounts: number;
}

function parseArgs(argv: string[]): CliArgs {
  const start: StartOptions = { port: 0, host: '127.0.0.1' };
  let accounts = 0;
  const redirectUris: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const [name, inline] = flag.includes('=') ? flag.split(/=(.*)/s, 2) : [flag, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${name} needs a value`);
      return v;
    };
    if (name === '--port') start.port = toInt(name, value());
    else if (name === '--host') start.host = value();
    else if (name === '--accounts') accounts = toInt(name, value());
    else if (name === '--delta-interval-ms') start.deltaIntervalMs = toInt(name, value());
    else if (name === '--percent-per-request') start.defaultPercentPerRequest = toNumber(name, value());
    else if (name === '--client-id') start.clientId = value();
    else if (name === '--redirect-uri') redirectUris.push(value());
    else throw new Error(`unknown option ${flag}`);
  }
  if (redirectUris.length > 0) start.redirectUris = ['http://localhost:1455/auth/callback', ...redirectUris];
  return { start, accounts };
}

function toInt(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer`);
  return n;
}

function toNumber(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number`);
  return n;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const fake = await FakeChatgpt.start(args.start);
  // The bound URL is the first stdout line: scripts read it to find the port.
  process.stdout.write(`${fake.url}\n`);
  for (let i = 1; i <= args.accounts; i++) {
    const account = fake.addAccount({ email: `demo${i}@example.test` });
    process.stderr.write(`fake-chatgpt: account ${account.id} ${account.email} (${account.plan})\n`);
  }
  const shutdown = (): void => {
    void fake.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`fake-chatgpt: ${(err as Error).message}\n`);
  process.exit(1);
});
