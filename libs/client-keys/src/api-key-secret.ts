import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const SECRET_PREFIX = 'mcp-';
const DISPLAY_PREFIX_LENGTH = 12;

/** `mcp-` + 32 random bytes in base64url (43 characters): 256 bits, nothing to brute-force. */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64url');
}

export function generateKeyId(): string {
  return `key_${randomBytes(9).toString('base64url')}`;
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** The recognisable start of an admin key (`mcp-` + 8 random characters, far from enough to guess the rest). */
export function displayPrefix(secret: string): string {
  return secret.slice(0, DISPLAY_PREFIX_LENGTH);
}

/**
 * Env keys are chosen by the operator and may be short, so show at most a quarter of one
 * (capped at 4 characters) rather than leaking most of a weak key.
 */
export function envDisplayPrefix(secret: string): string {
  return secret.slice(0, Math.min(4, Math.floor(secret.length / 4)));
}

/**
 * Compares one digest against every candidate without stopping at the first hit, so the time
 * taken says nothing about which key (if any) matched. Returns the index of the match or -1.
 */
export function findDigest(digest: Buffer, candidates: readonly Buffer[]): number {
  let found = -1;
  candidates.forEach((candidate, index) => {
    if (candidate.length === digest.length && timingSafeEqual(candidate, digest) && found === -1) found = index;
  });
  return found;
}
