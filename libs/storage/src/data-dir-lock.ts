import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = '.lock';
/** How often the owner touches its lock, and how old a foreign host's lock must be to count as abandoned. */
export const LOCK_HEARTBEAT_MS = 10_000;
export const LOCK_FOREIGN_STALE_MS = 3 * LOCK_HEARTBEAT_MS;

/** What the lock file records about its owner. */
export interface LockOwner {
  pid: number;
  hostname: string;
  /** The kernel's boot id: a lock written before the last reboot is stale whatever its pid. */
  bootId: string | null;
  /** The owner's start time in clock ticks since boot (/proc/<pid>/stat), so a reused pid is not mistaken for it. */
  processStart: string | null;
  startedAt: string;
  token: string;
}

/** Another live process owns the data directory. */
export class DataDirBusyError extends Error {
  constructor(
    readonly dir: string,
    readonly owner: LockOwner,
  ) {
    const foreign = owner.hostname !== hostname();
    const where = foreign ? ` on ${owner.hostname}` : '';
    const later = foreign
      ? ` (if that host is gone, a start succeeds once its lock is ${LOCK_FOREIGN_STALE_MS / 1000} s old)`
      : '';
    super(
      `DATA_DIR ${dir} is in use by another MultiCodex Proxy (pid ${owner.pid}${where}, since ${owner.startedAt}): ` +
        `stop that process, or set DATA_DIR to another directory${later}`,
    );
    this.name = 'DataDirBusyError';
  }
}

export interface DataDirLock {
  readonly path: string;
  /** Removes the lock if it is still ours. Idempotent. */
  release(): void;
}

function readOr<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

function bootId(): string | null {
  return readOr(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(), null);
}

/** Field 22 of /proc/<pid>/stat (after the parenthesised command name, which may hold spaces). */
function processStart(pid: number): string | null {
  return readOr(() => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  }, null);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseOwner(text: string): LockOwner | undefined {
  const parsed = readOr<unknown>(() => JSON.parse(text), undefined);
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const owner = parsed as Partial<LockOwner>;
  if (typeof owner.pid !== 'number' || typeof owner.hostname !== 'string') return undefined;
  return owner as LockOwner;
}

/**
 * Whether the recorded owner is gone. Same machine: its pid is dead, reused by another process, this very
 * process (a restarted container is pid 1 again), or it ran before the last reboot. Another machine sharing the
 * directory: its heartbeat stopped more than LOCK_FOREIGN_STALE_MS ago.
 */
function isStale(owner: LockOwner, lockPath: string, now: number): boolean {
  if (owner.hostname !== hostname()) {
    const touched = readOr(() => statSync(lockPath).mtimeMs, 0);
    return now - touched > LOCK_FOREIGN_STALE_MS;
  }
  const boot = bootId();
  if (boot && owner.bootId && boot !== owner.bootId) return true;
  if (owner.pid === process.pid || !isAlive(owner.pid)) return true;
  const start = processStart(owner.pid);
  return owner.processStart !== null && start !== null && start !== owner.processStart;
}

/**
 * Makes this process the only owner of `dir` (an advisory lock file, `${dir}/.lock`), or throws DataDirBusyError
 * naming the owner. The file is created whole (written aside, then hard-linked into place, which fails if it
 * exists), so a reader never sees a half-written lock; a stale one is moved aside and replaced.
 */
export function acquireDataDirLock(dir: string, now: () => number = Date.now): DataDirLock {
  const path = join(dir, LOCK_FILE);
  const owner: LockOwner = {
    pid: process.pid,
    hostname: hostname(),
    bootId: bootId(),
    processStart: processStart(process.pid),
    startedAt: new Date(now()).toISOString(),
    token: randomBytes(8).toString('hex'),
  };
  const text = `${JSON.stringify(owner)}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(path, text)) return holdLock(path, owner.token);
    const current = readOr(() => readFileSync(path, 'utf8'), undefined);
    if (current === undefined) continue; // released between our two calls: try again
    const holder = parseOwner(current);
    if (holder && !isStale(holder, path, now())) throw new DataDirBusyError(dir, holder);
    setAside(path, current);
  }
  throw new Error(`Could not take the lock ${path}: it keeps changing (another process is starting on DATA_DIR)`);
}

function tryCreate(path: string, text: string): boolean {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temp, text, { mode: 0o600 });
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    readOr(() => unlinkSync(temp), undefined);
  }
}

/** Moves a stale lock out of the way, unless it changed since we judged it (another starter took it over). */
function setAside(path: string, judged: string): void {
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch {
    return;
  }
  const moved = readOr(() => readFileSync(aside, 'utf8'), judged);
  if (moved !== judged) readOr(() => linkSync(aside, path), undefined); // not the stale one: put it back
  readOr(() => unlinkSync(aside), undefined);
}

function holdLock(path: string, token: string): DataDirLock {
  const heartbeat = setInterval(() => {
    const t = new Date();
    readOr(() => utimesSync(path, t, t), undefined);
  }, LOCK_HEARTBEAT_MS);
  heartbeat.unref();
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    clearInterval(heartbeat);
    process.removeListener('exit', release);
    const current = parseOwner(readOr(() => readFileSync(path, 'utf8'), ''));
    if (current?.token === token) readOr(() => unlinkSync(path), undefined);
  };
  // A process that exits without running shutdown (process.exit on a fatal error) still lets go.
  process.once('exit', release);
  return { path, release };
}
