/** A stored document exists but cannot be parsed; boot must stop rather than overwrite it (PROTOCOL §10.1). */
export class CorruptFileError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`Corrupt data file ${path}: ${reason}. It was left untouched; repair or move it away and restart.`);
    this.name = 'CorruptFileError';
  }
}
