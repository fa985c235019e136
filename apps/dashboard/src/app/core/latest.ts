import { type ResourceRef, type Signal, linkedSignal } from '@angular/core';

/**
 * The resource's value, holding on to the previous one while new params load, so a refresh or a
 * page change does not blank the screen. An error clears it: stale data must not pass for current.
 */
export function latestValue<T>(resource: ResourceRef<T | undefined>): Signal<T | undefined> {
  return linkedSignal<{ value: T | undefined; failed: boolean }, T | undefined>({
    source: () => ({
      value: resource.hasValue() ? resource.value() : undefined,
      failed: resource.error() !== undefined,
    }),
    computation: (current, previous) => {
      if (current.failed) return undefined;
      return current.value ?? previous?.value;
    },
  });
}
