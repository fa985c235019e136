import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Client, ClientBase, Notification } from 'pg';
import { PgDatabase } from './database';

export const CHANGES_CHANNEL = 'mcp_changes';

export type ChangeTopic = 'accounts' | 'api_keys' | 'oauth_flows' | 'traces' | 'history' | 'affinity' | 'catalogue';

/** A notification: which store changed, which replica changed it and, for row tables, which row. */
export interface Change {
  topic: ChangeTopic;
  origin: string;
  id?: string;
  version?: number;
}

export interface ChangeHandler {
  /** A change made by another replica (our own notifications are never delivered). */
  onChange(change: Change): void;
  /** Called after (re)connecting: notifications may have been missed, so re-read what matters. */
  onResync(): void;
}

const RECONNECT_MIN_MS = 200;
const RECONNECT_MAX_MS = 5_000;

/** Sends a change notification inside the writer's transaction: PostgreSQL delivers it on commit. */
export async function notifyChange(client: ClientBase, change: Change): Promise<void> {
  await client.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, JSON.stringify(change)]);
}

/**
 * One LISTEN connection per replica, shared by every store. It reconnects on its own and asks the
 * handlers to resync after every reconnection, because notifications sent while it was away are lost.
 */
@Injectable()
export class ChangeFeed implements OnModuleDestroy {
  private readonly logger = new Logger('Postgres');
  private readonly handlers = new Map<ChangeTopic, ChangeHandler[]>();
  private client: Client | undefined;
  private connecting: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelay = RECONNECT_MIN_MS;
  private stopped = false;
  private everConnected = false;

  constructor(private readonly db: PgDatabase) {}

  /**
   * Registers a handler; the first subscription opens the connection. Resolves once listening, so a
   * subscriber that reads its initial state afterwards misses nothing.
   */
  async subscribe(topic: ChangeTopic, handler: ChangeHandler): Promise<void> {
    const list = this.handlers.get(topic) ?? [];
    list.push(handler);
    this.handlers.set(topic, list);
    await this.connect();
  }

  get listening(): boolean {
    return this.client !== undefined;
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.connecting?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private connect(): Promise<void> {
    if (this.client || this.stopped) return Promise.resolve();
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<void> {
    const client = this.db.newClient();
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGES_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      this.scheduleReconnect((error as Error).message);
      throw error;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    client.on('notification', (message) => this.dispatch(message));
    client.on('end', () => this.lost(client));
    client.on('error', () => this.lost(client));
    this.client = client;
    this.retryDelay = RECONNECT_MIN_MS;
    const reconnected = this.everConnected;
    this.everConnected = true;
    if (!reconnected) return;
    this.logger.log('Change notifications restored; re-reading what may have been missed');
    for (const list of this.handlers.values()) for (const handler of list) this.safely(() => handler.onResync());
  }

  private lost(client: Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    this.scheduleReconnect('connection closed');
  }

  private scheduleReconnect(reason: string): void {
    if (this.stopped || this.retryTimer || this.db.isClosed) return;
    this.logger.warn(`Change notifications interrupted (${reason}); reconnecting in ${this.retryDelay} ms`);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect().catch(() => undefined);
    }, this.retryDelay);
    this.retryTimer.unref();
    this.retryDelay = Math.min(RECONNECT_MAX_MS, this.retryDelay * 2);
  }

  private dispatch(message: Notification): void {
    if (message.channel !== CHANGES_CHANNEL || !message.payload) return;
    let change: Change;
    try {
      change = JSON.parse(message.payload) as Change;
    } catch {
      return;
    }
    if (change.origin === this.db.origin) return;
    for (const handler of this.handlers.get(change.topic) ?? []) this.safely(() => handler.onChange(change));
  }

  private safely(call: () => void): void {
    try {
      call();
    } catch (error) {
      this.logger.error(`A change handler failed: ${(error as Error).message}`);
    }
  }
}
