import type { Provider, Type } from '@nestjs/common';

/** A storage port: an abstract class used as its own DI token (`AccountRepository`, `TraceLogs`, …). */
export type Port<T = unknown> = abstract new (...args: never[]) => T;

/**
 * A store several replicas share (STORAGE=postgres: PostgresModule). It names, by class, the adapter it has for
 * each port; `storagePort` asks it first. Absent (STORAGE=file), every port gets its local adapter.
 */
export abstract class SharedStore {
  abstract readonly name: string;
  abstract adapterFor<T>(port: Port<T>): T | undefined;
}

/** STORAGE=postgres but a port would fall back to this replica's own files: sharing would silently stop. */
export class HalfSharedStoreError extends Error {
  constructor(port: string, store: string) {
    super(
      `${store} has no adapter for ${port}: refusing to start with ${port} in local files while the rest ` +
        'is shared (every replica would keep its own copy).',
    );
    this.name = 'HalfSharedStoreError';
  }
}

/**
 * Provides `port`: the shared store's adapter when there is a shared store, else `localAdapter` (files, or
 * memory for what one process needs no store for). A shared store without an adapter for the port stops boot.
 * Specs still swap `port` with overrideProvider.
 */
export function storagePort<T>(port: Port<T>, localAdapter: Type<T>): Provider[] {
  return [
    localAdapter,
    {
      provide: port,
      useFactory: (local: T, shared: SharedStore | undefined): T => {
        if (!shared) return local;
        const adapter = shared.adapterFor(port);
        if (adapter === undefined) throw new HalfSharedStoreError(port.name, shared.name);
        return adapter;
      },
      inject: [localAdapter, { token: SharedStore, optional: true }],
    },
  ];
}

/** Port: which replica runs a scheduled job. */
export abstract class FleetLeadership {
  /** Runs `task` only on the replica that leads `job` (taking the lead when nobody holds it). */
  abstract runIfLeader(job: string, task: () => Promise<void>): Promise<void>;
}

/** One process, one leader: every job runs here. */
export class SoleLeadership extends FleetLeadership {
  override runIfLeader(_job: string, task: () => Promise<void>): Promise<void> {
    return task();
  }
}
