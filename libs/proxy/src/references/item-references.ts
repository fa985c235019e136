import { Injectable } from '@nestjs/common';
import { Clock } from '@mcp/config';
import { ClientRequestError, isRecord } from '@mcp/codex';

/** How much one gateway process remembers of the output items it served. */
export interface ItemReferenceBounds {
  maxItems: number;
  maxBytes: number;
  ttlMs: number;
}

export const DEFAULT_ITEM_REFERENCE_BOUNDS: ItemReferenceBounds = {
  maxItems: 20_000,
  maxBytes: 64 * 1024 * 1024,
  ttlMs: 15 * 60_000,
};

/**
 * An item is kept as its JSON text: one flat string instead of the answer's object tree (whose text may still be a
 * rope of streamed deltas), and a size that is what the heap really holds. A hit parses it back.
 */
interface Entry {
  json: string;
  bytes: number;
  expiresAt: number;
}

/**
 * What an entry costs besides the characters of its key and text (measured: 20,000 entries of 225-character items
 * hold 462 bytes each): string headers, the entry object, its expiry number and the map's slots.
 */
const ENTRY_OVERHEAD_BYTES = 160;

/** The scope of requests made without a client key (no keys configured): one shared namespace. */
const SHARED_SCOPE = '';

/**
 * The output items this process answered, so a client that sends `{"type":"item_reference","id":…}` (the Vercel AI
 * SDK with its default `store: true`) gets them expanded: the upstream runs with `store:false` and keeps nothing
 * (PROTOCOL.md §2.2 #4). Items are scoped per client key, so one key never resolves another's; bounded by count,
 * bytes and age, least recently used first out. Memory is per process: behind several replicas a conversation only
 * finds its items if the load balancer keeps a client on one replica (see docs/item-references.md).
 */
@Injectable()
export class ItemReferences {
  /** Insertion order is recency order: a hit is re-inserted at the end, eviction takes from the front. */
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private readonly bounds: ItemReferenceBounds;

  constructor(
    private readonly clock: Clock,
    bounds?: ItemReferenceBounds,
  ) {
    this.bounds = bounds ?? DEFAULT_ITEM_REFERENCE_BOUNDS;
  }

  /** After a successful answer: its output items (those with an id) become resolvable for this scope. */
  remember(scope: string | null | undefined, items: readonly unknown[]): void {
    const expiresAt = this.clock.now() + this.bounds.ttlMs;
    for (const item of items) {
      if (!isRecord(item) || typeof item['id'] !== 'string' || item['id'] === '') continue;
      const json = flat(JSON.stringify(item));
      const key = flat(keyOf(scope, item['id']));
      const bytes = ENTRY_OVERHEAD_BYTES + key.length + heapBytes(json);
      if (bytes > this.bounds.maxBytes) continue;
      this.drop(key);
      this.entries.set(key, { json, bytes, expiresAt });
      this.bytes += bytes;
    }
    this.evict();
  }

  /**
   * `body` with every `item_reference` in its `input` replaced by the remembered item, and how many were. The body
   * is returned as is when it has none. Throws a 400 naming the input index for a reference this scope never got.
   */
  expand(scope: string | null | undefined, body: unknown): { body: unknown; expanded: number } {
    if (!isRecord(body) || !Array.isArray(body['input'])) return { body, expanded: 0 };
    const input: unknown[] = body['input'];
    if (!input.some(isReference)) return { body, expanded: 0 };
    const now = this.clock.now();
    let expanded = 0;
    const resolved = input.map((item, index) => {
      if (!isReference(item)) return item;
      const found = this.lookup(keyOf(scope, item['id']), now);
      if (found === undefined) throw unknownReference(item['id'], index);
      expanded += 1;
      return found;
    });
    return { body: { ...body, input: resolved }, expanded };
  }

  get size(): number {
    return this.entries.size;
  }

  get rememberedBytes(): number {
    return this.bytes;
  }

  private lookup(key: string, now: number): unknown {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= now) {
      this.bytes -= entry.bytes;
      return undefined;
    }
    // A used item lives on as long as the conversation that uses it: recency and expiry keep one order.
    entry.expiresAt = now + this.bounds.ttlMs;
    this.entries.set(key, entry);
    return JSON.parse(entry.json);
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }

  /** Expired entries at the front go first, then the least recently used until both bounds hold. */
  private evict(): void {
    const now = this.clock.now();
    for (const [key, entry] of this.entries) {
      const over = this.entries.size > this.bounds.maxItems || this.bytes > this.bounds.maxBytes;
      if (!over && entry.expiresAt > now) break;
      this.entries.delete(key);
      this.bytes -= entry.bytes;
    }
  }
}

/**
 * V8 builds JSON.stringify's result and a template literal as a tree of string parts; reading the string as a number
 * flattens it into one sequence in place, so what is kept is the text alone (≈ 25 % less for a small item).
 */
function flat(text: string): string {
  Number(text);
  return text;
}

/** V8 keeps a string with any character past U+00FF at two bytes per character, else at one. */
function heapBytes(text: string): number {
  return WIDE.test(text) ? text.length * 2 : text.length;
}

const WIDE = /[\u0100-\uffff]/;

function keyOf(scope: string | null | undefined, id: unknown): string {
  return `${scope ?? SHARED_SCOPE}\u0000${String(id)}`;
}

function isReference(item: unknown): item is { type: 'item_reference'; id: unknown } {
  return isRecord(item) && item['type'] === 'item_reference';
}

function unknownReference(id: unknown, index: number): ClientRequestError {
  return new ClientRequestError(
    `Item with id '${String(id)}' is unknown to this gateway: it expired or was never served here. ` +
      'Send the full item instead of an item_reference (or use store: false).',
    { code: 'invalid_value', param: `input[${index}]` },
  );
}
