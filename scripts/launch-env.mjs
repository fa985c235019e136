// The environment the proxy process is started with, beside its own settings (issue 20).
//
// MALLOC_MMAP_THRESHOLD_: glibc serves allocations of at least this size with their own mmap, returned to the
// system when freed. Left alone, glibc raises the threshold each time a large block is freed (up to 32 MiB), so
// the 64 KiB socket read buffers and request bodies of a busy moment end up in the main heap, where one live block
// above them keeps all of it resident: 314 - 343 MiB after the bench's load, against 206 - 271 MiB with the
// threshold pinned at 64 KiB (bench/RESULTS.md, round 6), at no measurable CPU cost (32 KiB reached 167 MiB but cost +25 % CPU on 40 KB
// requests). glibc reads it once at process start, so the proxy cannot set it for itself: `npm start`,
// `npm run demo`, the bench and the Dockerfile's final stage (`ENV`) launch it with these values, and
// apps/proxy/test/deploy-files.e2e-spec.ts checks that the Dockerfile agrees with this file.
import { readFileSync } from 'node:fs';

export const LAUNCH_ENV = JSON.parse(readFileSync(new URL('./launch-env.json', import.meta.url), 'utf8'));

/** `env` with the launch values it does not set itself: an operator's own value wins. */
export function withLaunchEnv(env = process.env) {
  return { ...LAUNCH_ENV, ...env };
}
