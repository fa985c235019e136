// The only door of @mcp/storage: durable files that survive crashes (PROTOCOL.md §10.1), and the storage-port seam.
export { CorruptFileError } from './errors';
export { DataDirBusyError, LOCK_FILE, acquireDataDirLock } from './data-dir-lock';
export type { DataDirLock, LockOwner } from './data-dir-lock';
export { ensureDir } from './fs-utils';
export { JsonDocumentStore } from './json-document-store';
export type { JsonDocumentStoreOptions } from './json-document-store';
export { JsonlLog } from './jsonl-log';
export type { JsonlLogOptions, ReadAllResult } from './jsonl-log';
export type { LinePlace } from './line-writes';
export { RotatingJsonlLog } from './rotating-jsonl-log';
export { FleetLeadership, HalfSharedStoreError, SharedStore, SoleLeadership, storagePort } from './ports';
export type { Port } from './ports';
