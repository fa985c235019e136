import type { PoolClient } from 'pg';
import { type ChangeTopic, notifyChange } from '../db/change-feed';
import type { PgDatabase } from '../db/database';
import { SerialQueue } from '../db/serial-queue';
import { merge3, sameJson, toJsonb } from '../json-merge';

/** How a document is stored: e.g. tokens encrypted on the way in, decrypted on the way out. */
export interface RowCodec<T> {
  encode(doc: T): unknown;
  decode(stored: unknown): T;
}

/** A row as another replica left it: `doc` undefined when it was deleted. */
export interface RowChange<T> {
  id: string;
  doc: T | undefined;
  version: number;
}

/**
 * Called when the stored row differs from this replica's copy: `base` is the version that copy was
 * made from, so the caller can keep its own unsaved edits on top of the other replica's.
 */
export type AdoptRow<T> = (change: RowChange<T>, base: T | undefined) => void;

interface KnownRow<T> {
  doc: T;
  version: number;
}

interface Written<T> {
  id: string;
  mine: T;
  stored: T;
  version: number;
}

export interface RowTableOptions<T> {
  table: string;
  topic: ChangeTopic;
  codec: RowCodec<T>;
  /** Told about rows another replica changed or deleted (default: nothing to update). */
  adopt?: AdoptRow<T>;
  /** Whether a save deletes known rows missing from the list (default true). */
  deleteAbsent?: boolean;
}

/** The documents to save, or a function giving them when the save actually runs (never a stale list). */
export type RowSource<T> = readonly T[] | (() => readonly T[]);

/**
 * A table of JSON documents (one per row, keyed by id) that several replicas write. Each replica
 * remembers the version of every row it last read or wrote (its base). A save writes only the rows
 * that differ from their base, merged key by key with whatever another replica stored meanwhile,
 * and never deletes a row this replica has not seen. Deletion wins over a concurrent edit.
 * Saves and re-reads run one at a time so the bases stay consistent.
 */
export class RowTable<T extends { id: string }> {
  private readonly known = new Map<string, KnownRow<T>>();
  private readonly queue = new SerialQueue();
  readonly table: string;
  private readonly topic: ChangeTopic;
  private readonly codec: RowCodec<T>;
  private readonly adopt: AdoptRow<T>;
  private readonly deleteAbsent: boolean;

  constructor(
    private readonly db: PgDatabase,
    options: RowTableOptions<T>,
  ) {
    this.table = options.table;
    this.topic = options.topic;
    this.codec = options.codec;
    this.adopt = options.adopt ?? (() => undefined);
    this.deleteAbsent = options.deleteAbsent ?? true;
  }

  /** Every row; they become the bases of the next save. */
  loadAll(): Promise<T[]> {
    return this.queue.run(async () => {
      const rows = await this.db.query<{ id: string; doc: unknown; version: string }>(
        `SELECT id, doc, version FROM ${this.table} ORDER BY id`,
      );
      this.known.clear();
      return rows.map((row) => {
        const doc = this.codec.decode(row.doc);
        this.known.set(row.id, { doc: structuredClone(doc), version: Number(row.version) });
        return doc;
      });
    });
  }

  /** Persists this replica's list: changed rows merged with concurrent changes, absent known rows deleted. */
  save(source: RowSource<T>): Promise<void> {
    return this.queue.run(async () => {
      const docs = typeof source === 'function' ? source() : source;
      const listed = new Set(docs.map((doc) => doc.id));
      // Copies taken now: the caller keeps editing its objects while the write is in flight.
      const changed = docs
        .filter((doc) => !sameJson(this.known.get(doc.id)?.doc, doc))
        .map((doc) => structuredClone(doc));
      const removed = this.deleteAbsent ? [...this.known.keys()].filter((id) => !listed.has(id)) : [];
      if (changed.length === 0 && removed.length === 0) return;
      const { written, vanished } = await this.db.transaction(async (client) => {
        const current = await this.lockRows(client, [...changed.map((doc) => doc.id), ...removed]);
        const result = { written: [] as Written<T>[], vanished: [] as string[] };
        for (const mine of changed) {
          const outcome = await this.writeRow(client, mine, current.get(mine.id));
          if (outcome) result.written.push(outcome);
          else result.vanished.push(mine.id);
        }
        for (const id of removed) if (current.has(id)) await this.deleteRow(client, id);
        return result;
      });
      for (const id of removed) this.known.delete(id);
      for (const row of written) {
        this.known.set(row.id, { doc: row.mine, version: row.version });
        if (!sameJson(row.stored, row.mine)) this.apply({ id: row.id, doc: row.stored, version: row.version });
      }
      for (const id of vanished) this.apply({ id, doc: undefined, version: 0 });
    });
  }

  /**
   * Re-reads rows another replica changed (`ids`), or every row whose version differs from ours
   * (no ids: after missed notifications), and hands each newer one to `adopt`.
   */
  refresh(ids?: readonly string[]): Promise<void> {
    return this.queue.run(async () => {
      const targets = ids ?? (await this.staleIds());
      if (targets.length === 0) return;
      const rows = await this.db.query<{ id: string; doc: unknown; version: string }>(
        `SELECT id, doc, version FROM ${this.table} WHERE id = ANY($1)`,
        [targets],
      );
      const found = new Map(rows.map((row) => [row.id, row]));
      for (const id of new Set(targets)) {
        const row = found.get(id);
        const known = this.known.get(id);
        if (!row) {
          if (known) this.apply({ id, doc: undefined, version: 0 });
          continue;
        }
        const version = Number(row.version);
        if (known && version <= known.version) continue;
        this.apply({ id, doc: this.codec.decode(row.doc), version });
      }
    });
  }

  /** The version this replica last read or wrote, if any. */
  knownVersion(id: string): number | undefined {
    return this.known.get(id)?.version;
  }

  private apply(change: RowChange<T>): void {
    this.adopt(change, this.known.get(change.id)?.doc);
    if (change.doc === undefined) this.known.delete(change.id);
    else this.known.set(change.id, { doc: structuredClone(change.doc), version: change.version });
  }

  private async staleIds(): Promise<string[]> {
    const rows = await this.db.query<{ id: string; version: string }>(`SELECT id, version FROM ${this.table}`);
    const stored = new Map(rows.map((row) => [row.id, Number(row.version)]));
    const stale = [...stored].filter(([id, version]) => this.known.get(id)?.version !== version).map(([id]) => id);
    const gone = [...this.known.keys()].filter((id) => !stored.has(id));
    return [...stale, ...gone];
  }

  /** Locks the rows in id order (two replicas saving overlapping rows never deadlock) and reads them. */
  private async lockRows(client: PoolClient, ids: string[]): Promise<Map<string, KnownRow<T>>> {
    if (ids.length === 0) return new Map();
    const { rows } = await client.query<{ id: string; doc: unknown; version: string }>(
      `SELECT id, doc, version FROM ${this.table} WHERE id = ANY($1) ORDER BY id FOR UPDATE`,
      [ids],
    );
    return new Map(rows.map((row) => [row.id, { doc: this.codec.decode(row.doc), version: Number(row.version) }]));
  }

  /** Writes one row; undefined when another replica deleted it (it stays deleted). */
  private async writeRow(
    client: PoolClient,
    mine: T,
    theirs: KnownRow<T> | undefined,
  ): Promise<Written<T> | undefined> {
    const base = this.known.get(mine.id);
    if (base && !theirs) return undefined;
    const stored = base && theirs ? (merge3(base.doc, mine, theirs.doc) as T) : mine;
    const version = (theirs?.version ?? 0) + 1;
    await client.query(
      `INSERT INTO ${this.table} (id, doc, version) VALUES ($1, $2::jsonb, $3)
       ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc, version = EXCLUDED.version, updated_at = now()`,
      [mine.id, toJsonb(this.codec.encode(stored)), version],
    );
    await notifyChange(client, { topic: this.topic, origin: this.db.origin, id: mine.id, version });
    return { id: mine.id, mine, stored, version };
  }

  private async deleteRow(client: PoolClient, id: string): Promise<void> {
    await client.query(`DELETE FROM ${this.table} WHERE id = $1`, [id]);
    await notifyChange(client, { topic: this.topic, origin: this.db.origin, id, version: 0 });
  }
}
