import { createServer } from 'node:net';
import { resolve, sep } from 'node:path';
import { EncryptionKeyError } from '@mcp/accounts';
import { type AppConfig, ConfigError } from '@mcp/config';
import { CorruptFileError, DataDirBusyError } from '@mcp/storage';

/**
 * Every way boot can fail ends in one line on stderr naming the cause and the variable to change
 * (a stack helps nobody deploying the image; LOG_LEVEL=debug still prints it).
 */

/** A failed bind, with what was asked for, so the message can name PORT or HOST. */
export class ListenError extends Error {
  constructor(
    readonly code: string,
    readonly port: number,
    readonly host: string,
    cause: Error,
  ) {
    super(cause.message);
    this.name = 'ListenError';
  }
}

/** Binds `port` on `host` once and lets go: a busy port or a foreign HOST fails before anything is loaded. */
export function probeListen(port: number, host: string): Promise<void> {
  return new Promise((resolveProbe, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => reject(new ListenError(error.code ?? '', port, host, error)));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolveProbe()));
  });
}

function listenMessage(error: ListenError): string {
  const at = `${error.host}:${error.port}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return `PORT ${error.port} is already in use on ${error.host} (another process listens there): stop it, or set PORT to a free port`;
    case 'EACCES':
      return `Not allowed to listen on ${at} (EACCES; ports below 1024 need privileges): set PORT to 1024 or above`;
    case 'EADDRNOTAVAIL':
      return `HOST ${error.host} is not an address of this machine (EADDRNOTAVAIL): set HOST to one of its addresses, 0.0.0.0 for all or 127.0.0.1 for this machine only`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return `HOST ${error.host} does not resolve (${error.code}): set HOST to an address of this machine, e.g. 0.0.0.0`;
    default:
      return `Cannot listen on ${at} (${error.code || error.message}): check HOST and PORT`;
  }
}

/** The variable that decides where `path` is, so the message tells the operator what to change. */
function variableFor(path: string, config: AppConfig | undefined): string {
  if (!config) return 'DATA_DIR';
  const files: [string, string][] = [
    [config.storePath, 'STORE_PATH'],
    [config.oauthStatePath, 'OAUTH_STATE_PATH'],
    [config.traceFilePath, 'TRACE_FILE_PATH'],
    [config.traceStatsHistoryPath, 'TRACE_STATS_HISTORY_PATH'],
  ];
  const full = resolve(path);
  const inside = (parent: string, child: string): boolean => child.startsWith(`${parent}${sep}`);
  // Temp files sit beside their target (accounts.json.tmp-…), so a prefix match names the right variable.
  const exact = files.find(([file]) => full === file || full.startsWith(`${file}.`));
  if (exact) return `${exact[1]} (or DATA_DIR)`;
  if (full === config.dataDir || inside(full, config.dataDir)) return 'DATA_DIR';
  // A folder on the way to one configured file (e.g. STORE_PATH=/srv/x/accounts.json with /srv/x a file).
  const parentOf = files.find(([file]) => inside(full, file));
  if (parentOf) return parentOf[1];
  return inside(config.dataDir, full) ? 'DATA_DIR' : 'the variable that points there';
}

const FILE_ERRORS = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'ENOTDIR', 'EISDIR', 'ENOENT', 'EEXIST', 'ELOOP']);

function fileMessage(error: NodeJS.ErrnoException, config: AppConfig | undefined): string {
  const path = error.path ?? '?';
  const who = typeof process.getuid === 'function' ? ` by this user (uid ${process.getuid()})` : '';
  const fix =
    error.code === 'EACCES' || error.code === 'EPERM'
      ? `make it readable and writable${who}, or set ${variableFor(path, config)} elsewhere`
      : `set ${variableFor(path, config)} to a writable location`;
  return `Cannot use ${path} (${error.code}, during ${error.syscall ?? 'file access'}): ${fix}`;
}

function firstLine(text: string): string {
  return text.split('\n')[0]?.trim() ?? text;
}

/** One line for any error that stopped boot. */
export function describeStartupFailure(error: unknown, config: AppConfig | undefined): string {
  if (error instanceof ListenError) return listenMessage(error);
  if (!(error instanceof Error)) return `Cannot start: ${String(error)}`;
  if (error instanceof ConfigError) return `Invalid configuration: ${error.problems.join('; ')}`;
  const errno = error as NodeJS.ErrnoException;
  if (errno.code && errno.path && FILE_ERRORS.has(errno.code)) return fileMessage(errno, config);
  // These already name the file or variable to change (DataDirBusyError, EncryptionKeyError, CorruptFileError).
  if (error instanceof DataDirBusyError || error instanceof EncryptionKeyError || error instanceof CorruptFileError) {
    return firstLine(error.message).replace(/\s+/g, ' ');
  }
  return `Cannot start: ${firstLine(error.message)} (LOG_LEVEL=debug prints the stack)`;
}
