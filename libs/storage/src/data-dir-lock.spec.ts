import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireDataDirLock, DataDirBusyError, LOCK_FILE, type LockOwner } from './data-dir-lock';

function procStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function bootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return null;
  }
}

describe('acquireDataDirLock', () => {
  let dir: string;
  let sleeper: ChildProcess | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-lock-'));
  });
  afterEach(() => {
    sleeper?.kill('SIGKILL');
    sleeper = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  /** A lock as another process would have written it (a live one by default: a sleeping child). */
  function writeLock(overrides: Partial<LockOwner> = {}): LockOwner {
    if (overrides.pid === undefined) {
      sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    }
    const pid = overrides.pid ?? sleeper!.pid!;
    const owner: LockOwner = {
      pid,
      hostname: hostname(),
      bootId: bootId(),
      processStart: procStart(pid),
      startedAt: '2026-01-01T00:00:00.000Z',
      token: 'theirs',
      ...overrides,
    };
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify(owner));
    return owner;
  }

  const lockedBy = () => JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as LockOwner;

  it('records this process as the owner and removes the file on release', () => {
    const lock = acquireDataDirLock(dir);
    expect(lockedBy()).toMatchObject({ pid: process.pid, hostname: hostname() });
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    lock.release(); // idempotent
  });

  it('refuses while a live process on this machine owns the directory, naming the directory and its pid', () => {
    const owner = writeLock();
    expect(() => acquireDataDirLock(dir)).toThrow(DataDirBusyError);
    expect(() => acquireDataDirLock(dir)).toThrow(
      `DATA_DIR ${dir} is in use by another MultiCodex Proxy (pid ${owner.pid}`,
    );
    expect(lockedBy().token).toBe('theirs');
  });

  it('takes over the lock of a process that died without releasing it', () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    writeLock({ pid: Number(dead.stdout.toString()) });
    const lock = acquireDataDirLock(dir);
    expect(lockedBy().pid).toBe(process.pid);
    lock.release();
  });

  it('takes over a lock written before the last reboot, even if its pid is alive now', () => {
    writeLock({ bootId: 'another-boot' });
    acquireDataDirLock(dir).release();
  });

  it('takes over a lock whose pid now belongs to a different process', () => {
    writeLock({ processStart: '1' });
    acquireDataDirLock(dir).release();
  });

  it('takes over a half-written or unreadable lock', () => {
    writeFileSync(join(dir, LOCK_FILE), '{"pid":');
    acquireDataDirLock(dir).release();
  });

  it("waits for another machine's lock until its heartbeat stops", () => {
    writeLock({ pid: 1, hostname: 'other-host' });
    expect(() => acquireDataDirLock(dir)).toThrow('(pid 1 on other-host');
    expect(() => acquireDataDirLock(dir)).toThrow('a start succeeds once its lock is 30 s old');
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(dir, LOCK_FILE), old, old);
    acquireDataDirLock(dir).release();
  });

  it('never removes a lock another process took over in the meantime', () => {
    const lock = acquireDataDirLock(dir);
    writeLock({ token: 'newer' });
    lock.release();
    expect(lockedBy().token).toBe('newer');
  });
});
