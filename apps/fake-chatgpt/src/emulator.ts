import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as accounts from './accounts';
import type { ControlTarget } from './control-api';
import { chaosStats, setChaos, type ChaosOptions, type ChaosStats } from './chaos';
import { approveDevice } from './device-flow';
import { injectFault } from './faults';
import { resetWindows, setUsage } from './quota';
import { createEmulatorServer } from './server';
import { EmulatorState, copyCounters, defaultOptions, emptyCounters } from './state';
import { Timers } from './timers';
import { ResponsesWebSocket, emptyWebSocketCounters, type WebSocketCounters } from './websocket-handler';
import type {
  AccountRecord,
  AddAccountOptions,
  CountersSnapshot,
  EmulatorOptions,
  Fault,
  FaultRoute,
  IssuedTokens,
  StartOptions,
} from './types';

/**
 * In-process handle on a running emulator of the ChatGPT Codex backend and OpenAI auth.
 * Account refs are the emulator id (`fa_1`) or the account's email.
 */
export class FakeChatgpt implements ControlTarget {
  private readonly server: Server;
  private readonly webSocket: ResponsesWebSocket;
  private baseUrl = '';

  private constructor(
    private readonly state: EmulatorState,
    private readonly timers: Timers,
  ) {
    this.server = createEmulatorServer(state, timers, this);
    this.webSocket = new ResponsesWebSocket(state, timers);
    this.webSocket.attach(this.server);
  }

  static async start(opts: StartOptions = {}): Promise<FakeChatgpt> {
    const { port = 0, host = '127.0.0.1', clock, ...overrides } = opts;
    const fake = new FakeChatgpt(new EmulatorState({ ...defaultOptions(), ...overrides }, clock), new Timers());
    await new Promise<void>((resolve, reject) => {
      fake.server.once('error', reject);
      fake.server.listen(port, host, () => resolve());
    });
    const address = fake.server.address() as AddressInfo;
    const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    fake.baseUrl = `http://${urlHost}:${address.port}`;
    return fake;
  }

  /** Base URL, e.g. `http://127.0.0.1:43210` (no trailing slash). */
  get url(): string {
    return this.baseUrl;
  }

  /** Live, mutable behaviour switches (e.g. `fake.options.emptyCompletedOutput = true`). */
  get options(): EmulatorOptions {
    return this.state.options;
  }

  /** Closes the port, drops open connections and clears the emulator's timers. */
  async stop(): Promise<void> {
    this.timers.clearAll();
    this.webSocket.close();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  addAccount(opts: AddAccountOptions): AccountRecord {
    return accounts.addAccount(this.state, opts);
  }

  accounts(): AccountRecord[] {
    return [...this.state.accounts.values()];
  }

  account(ref: string): AccountRecord {
    return accounts.resolveAccount(this.state, ref);
  }

  issueTokens(ref: string): IssuedTokens {
    return accounts.issueTokens(this.state, ref);
  }

  /** The account's next `count` requests on `route` (default responses) suffer `fault`. */
  inject(ref: string, fault: Fault, count = 1, route: FaultRoute = 'responses'): void {
    injectFault(this.state, this.account(ref).id, fault, count, route);
  }

  clearFaults(ref: string): void {
    this.state.faults.delete(this.account(ref).id);
  }

  /** Seeded random faults on every account's inference requests (chaos.ts); null turns them off. */
  chaos(options: ChaosOptions | null): ChaosStats | null {
    return setChaos(this.state, options);
  }

  chaosStats(): ChaosStats | null {
    return chaosStats(this.state);
  }

  setUsage(ref: string, usage: { fiveHour?: number; weekly?: number }): void {
    setUsage(this.account(ref), usage);
  }

  resetWindows(ref: string): void {
    resetWindows(this.account(ref), this.state.now());
  }

  expireAccessTokens(ref: string): void {
    accounts.expireAccessTokens(this.state, ref);
  }

  revokeRefreshTokens(ref: string): void {
    accounts.revokeRefreshTokens(this.state, ref);
  }

  /** The next authorize request without a login_hint signs in this account. */
  setNextLogin(ref: string): void {
    this.state.nextLoginAccountId = this.account(ref).id;
  }

  /** Approves a device-flow user code; returns the account id that signed in. */
  approveDevice(userCode: string, ref: string): string {
    return approveDevice(this.state, userCode, ref);
  }

  /** Moves the emulator's clock forward (on top of the clock function given to start). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error('advance: ms must be a non-negative number');
    this.state.advance(ms);
  }

  now(): number {
    return this.state.now();
  }

  /** A snapshot: later requests do not change it. */
  /** Every secret the emulator has issued (tokens, codes, device codes), for leak scans in specs. */
  issuedSecrets(): string[] {
    const s = this.state;
    const device = [...s.deviceFlows.values()].flatMap((f) => [f.deviceAuthId]);
    return [...s.accessTokens.keys(), ...s.refreshTokens.keys(), ...s.idTokens, ...s.authCodes.keys(), ...device];
  }

  counters(): CountersSnapshot {
    return copyCounters(this.state.counters);
  }

  resetCounters(): void {
    this.state.counters = emptyCounters();
    this.webSocket.counters = emptyWebSocketCounters();
  }

  /** Responses over WebSocket: upgrades, frames per account, prewarms, error frames (a snapshot). */
  webSocketCounters(): WebSocketCounters {
    return structuredClone(this.webSocket.counters);
  }
}
