import type { Provider, Type } from '@nestjs/common';

/**
 * The DI token under which a shared store (STORAGE=postgres: PostgresModule, a global module)
 * offers its adapter for a port. A string, so the feature libs need not know the store's lib.
 */
export function sharedStoreToken(port: string): string {
  return `shared-store:${port}`;
}

/**
 * Provides `port` with the adapter a shared store registered under sharedStoreToken(port.name),
 * or else with `fileAdapter`, the embedded default. Specs still swap `port` with overrideProvider.
 */
export function storagePort<T>(port: abstract new (...args: never[]) => T, fileAdapter: Type<T>): Provider[] {
  return [
    fileAdapter,
    {
      provide: port,
      useFactory: (file: T, shared: T | undefined) => shared ?? file,
      inject: [fileAdapter, { token: sharedStoreToken(port.name), optional: true }],
    },
  ];
}

/** Port: which replica runs a scheduled job. Without a shared store there is one process and it runs them all. */
export interface FleetLeadership {
  runIfLeader(job: string, task: () => Promise<void>): Promise<void>;
}

export const FLEET_LEADERSHIP = sharedStoreToken('FleetLeadership');

/** A job tick: on the leading replica only when there is a fleet, always otherwise. */
export function runAsLeader(
  leadership: FleetLeadership | undefined,
  job: string,
  task: () => Promise<void>,
): Promise<void> {
  return leadership ? leadership.runIfLeader(job, task) : task();
}
