import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { UsageProbeService } from '@mcp/accounts';
import { prerequisite } from '@mcp/testing';
import { startStack, type Stack } from './helpers/stack';

const SUITE = "Codex CLI's /status quota read from the pool";
const codex = prerequisite('codex', SUITE);
const describeWithCodex = codex ? describe : describe.skip;

/** A JSON-RPC session with `codex app-server` over stdio: what the TUI's /status and the IDE extension use. */
class AppServer {
  private readonly waiting = new Map<number, (message: Record<string, unknown>) => void>();
  private nextId = 1;

  constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      const id = message['id'];
      if (typeof id === 'number' && ('result' in message || 'error' in message)) this.waiting.get(id)?.(message);
    });
  }

  request(method: string, params: unknown = undefined): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${method}: no answer`)), 30_000);
      this.waiting.set(id, (message) => {
        clearTimeout(timer);
        resolve(message);
      });
      this.child.stdin.write(`${JSON.stringify({ id, method, ...(params === undefined ? {} : { params }) })}\n`);
    });
  }

  notify(method: string): void {
    this.child.stdin.write(`${JSON.stringify({ method })}\n`);
  }

  close(): void {
    this.child.kill('SIGKILL');
  }
}

describeWithCodex(SUITE, () => {
  let stack: Stack;
  let home: string;

  beforeAll(async () => {
    stack = await startStack({ accounts: 2 });
    home = mkdtempSync(join(tmpdir(), 'codex-status-home-'));
    // Codex signed in with ChatGPT (an emulator login outside the pool) whose chatgpt_base_url is the gateway.
    const login = stack.fake.addAccount({ email: 'codex-user@example.com' });
    const tokens = stack.fake.issueTokens(login.id);
    writeFileSync(
      join(home, 'auth.json'),
      JSON.stringify({
        OPENAI_API_KEY: null,
        tokens: {
          // Codex wants a non-empty signature segment (it never verifies it); the emulator's JWTs are unsigned.
          id_token: `${tokens.idToken}sig`,
          access_token: `${tokens.accessToken}sig`,
          refresh_token: tokens.refreshToken,
          account_id: login.chatgptAccountId,
        },
        last_refresh: new Date().toISOString(),
      }),
    );
    writeFileSync(join(home, 'config.toml'), `chatgpt_base_url = "${stack.baseUrl}/backend-api/"\n`);
  });

  afterAll(async () => {
    await stack?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('shows the windows of the account the pool would use next', async () => {
    const [first, second] = stack.accounts;
    stack.fake.setUsage(first!.fakeId, { fiveHour: 100, weekly: 30 });
    stack.fake.setUsage(second!.fakeId, { fiveHour: 25, weekly: 64 });
    for (const account of stack.accounts) await stack.app.get(UsageProbeService).probe(account.id);

    const child = spawn(codex!, ['app-server'], {
      env: { ...process.env, CODEX_HOME: home, RUST_LOG: 'error' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const server = new AppServer(child);
    try {
      const init = await server.request('initialize', { clientInfo: { name: 'multicodex-test', version: '1.0.0' } });
      expect(init['error']).toBeUndefined();
      server.notify('initialized');
      const answer = await server.request('account/rateLimits/read');
      expect(answer['error']).toBeUndefined();
      // The first account's 5-hour window is spent, so the pool's next request goes to the second one.
      const limits = (answer['result'] as { rateLimits: Record<string, unknown> }).rateLimits;
      expect(limits).toEqual(
        expect.objectContaining({
          limitId: 'codex',
          planType: 'plus',
          primary: expect.objectContaining({ usedPercent: 25, windowDurationMins: 300 }),
          secondary: expect.objectContaining({ usedPercent: 64, windowDurationMins: 10080 }),
        }),
      );
    } finally {
      server.close();
    }
  }, 60_000);
});
