import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export const DEFAULT_FILE_MODE = 0o600;
const TEMP_MARKER = '.tmp-';
let tempCounter = 0;

/** Creates a directory (and parents) private to the owner when it does not exist yet. */
export async function ensureDir(path: string): Promise<void> {
  await fsp.mkdir(path, { recursive: true, mode: 0o700 });
}

export function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/** A sibling name that no other writer (in this or another process) can pick. */
export function tempPathFor(target: string): string {
  tempCounter += 1;
  const unique = `${process.pid}-${tempCounter}-${randomBytes(4).toString('hex')}`;
  return join(dirname(target), `${basename(target)}${TEMP_MARKER}${unique}`);
}

/** A rename is only durable once the directory entry itself is flushed. */
export async function fsyncDir(dir: string): Promise<void> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(dir, 'r');
    await handle.sync();
  } catch (error) {
    // Some platforms/filesystems cannot fsync a directory; the rename is still atomic there.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EBADF') throw error;
  } finally {
    await handle?.close();
  }
}

/** Opens a fresh temp file beside `target`, created with `mode` (chmod too, so the umask cannot widen it). */
export async function openTemp(target: string, mode: number): Promise<{ path: string; handle: fsp.FileHandle }> {
  const path = tempPathFor(target);
  const handle = await fsp.open(path, 'wx', mode);
  try {
    await handle.chmod(mode);
  } catch (error) {
    await handle.close();
    await fsp.rm(path, { force: true });
    throw error;
  }
  return { path, handle };
}

/** fsyncs and closes a finished temp file, renames it over `target`, then fsyncs the directory. */
export async function commitTemp(temp: { path: string; handle: fsp.FileHandle }, target: string): Promise<void> {
  try {
    await temp.handle.sync();
    await temp.handle.close();
    await fsp.rename(temp.path, target);
  } catch (error) {
    await temp.handle.close().catch(() => undefined);
    await fsp.rm(temp.path, { force: true });
    throw error;
  }
  await fsyncDir(dirname(target));
}

/** Atomically replaces `target` with `data`: readers see the old or the new file, never a mix. */
export async function writeFileAtomic(target: string, data: string, mode: number): Promise<void> {
  const temp = await openTemp(target, mode);
  try {
    await temp.handle.writeFile(data, 'utf8');
  } catch (error) {
    await temp.handle.close().catch(() => undefined);
    await fsp.rm(temp.path, { force: true });
    throw error;
  }
  await commitTemp(temp, target);
}

/** Removes temp files a crashed earlier run left beside `target` (call before this process makes its own). */
export async function removeStaleTemps(target: string): Promise<void> {
  const prefix = `${basename(target)}${TEMP_MARKER}`;
  let entries: string[];
  try {
    entries = await fsp.readdir(dirname(target));
  } catch (error) {
    if (isNotFound(error)) return;
    throw error;
  }
  const stale = entries.filter((name) => name.startsWith(prefix));
  await Promise.all(stale.map((name) => fsp.rm(join(dirname(target), name), { force: true })));
}

/** Tightens an existing file's permissions (files holding secrets may predate the 0600 rule). */
export async function tightenMode(path: string, mode: number): Promise<void> {
  try {
    const stat = await fsp.stat(path);
    if ((stat.mode & 0o777) !== mode) await fsp.chmod(path, mode);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EPERM') throw error;
  }
}
