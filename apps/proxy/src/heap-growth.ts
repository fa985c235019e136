import { setFlagsFromString } from 'node:v8';

/** V8 grows the old generation by this much over what a full GC left alive (its own default is much larger). */
export const HEAP_GROWING_PERCENT = 50;

/**
 * Issue 20: under load, in-flight requests and traces get promoted, die, and V8 (with a heap limit of a quarter of
 * the machine's memory) lets the old generation grow to several times the live data before collecting it, and never
 * gives the pages back: 540 MB RSS after the bench's load for ~90 MB alive. A smaller growing factor makes major GCs
 * come sooner (measured: +0–5 % CPU on 40 KB requests) without capping the heap, so no workload can run out of
 * memory because of it. Set at startup, before the app allocates; an explicit `--heap-growing-percent` on node's
 * command line wins (node refuses the flag in NODE_OPTIONS).
 */
export function tuneHeapGrowth(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((arg) => arg.startsWith('--heap-growing-percent'))) return false;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}
