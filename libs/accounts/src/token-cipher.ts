import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';

export const ENCRYPTED_PREFIX = 'enc:v1:';
const KEY_CHECK_PLAINTEXT = 'multicodex-proxy key check';
const SCRYPT_PARAMS = { N: 16_384, r: 8, p: 1 } as const;

/** What accounts.json keeps next to encrypted tokens so a wrong key is detected before anything is used. */
export interface EncryptionHeader {
  kdf: 'scrypt';
  salt: string; // base64url
  check: string; // KEY_CHECK_PLAINTEXT encrypted under the derived key
}

function deriveKey(passphrase: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(passphrase, salt, 32, SCRYPT_PARAMS, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** AES-256-GCM under a key derived (scrypt) from ENCRYPTION_KEY and a salt stored in the file. */
export class TokenCipher {
  private constructor(
    private readonly key: Buffer,
    readonly header: EncryptionHeader,
  ) {}

  /** A cipher with a fresh salt, for a file that holds no encrypted data yet. */
  static async create(passphrase: string): Promise<TokenCipher> {
    const salt = randomBytes(16);
    const key = await deriveKey(passphrase, salt);
    const partial = new TokenCipher(key, { kdf: 'scrypt', salt: salt.toString('base64url'), check: '' });
    return new TokenCipher(key, { ...partial.header, check: partial.encrypt(KEY_CHECK_PLAINTEXT) });
  }

  /** The cipher for an existing header, or undefined when the passphrase is not the one it was made with. */
  static async open(passphrase: string, header: EncryptionHeader): Promise<TokenCipher | undefined> {
    const key = await deriveKey(passphrase, Buffer.from(header.salt, 'base64url'));
    const cipher = new TokenCipher(key, header);
    try {
      return cipher.decrypt(header.check) === KEY_CHECK_PLAINTEXT ? cipher : undefined;
    } catch {
      return undefined;
    }
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return `${ENCRYPTED_PREFIX}${iv.toString('base64url')}:${tag.toString('base64url')}:${body.toString('base64url')}`;
  }

  /** Throws when the value was not produced under this key (GCM authentication fails) or is malformed. */
  decrypt(value: string): string {
    if (!isEncrypted(value)) throw new Error('not an encrypted value');
    const [iv, tag, body] = value.slice(ENCRYPTED_PREFIX.length).split(':');
    if (iv === undefined || tag === undefined || body === undefined) throw new Error('malformed encrypted value');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}

export function isEncrypted(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(ENCRYPTED_PREFIX);
}

/** The secret fields of an account: what is encrypted at rest, in accounts.json and in the shared table alike. */
export const TOKEN_FIELDS = ['accessToken', 'refreshToken', 'idToken'] as const;

/** A copy of `account` with every non-empty token passed through `transform` (encrypt or decrypt). */
export function mapTokens<A extends Partial<Record<(typeof TOKEN_FIELDS)[number], string>>>(
  account: A,
  transform: (token: string) => string,
): A {
  const copy: A = { ...account };
  for (const field of TOKEN_FIELDS) {
    const value = account[field];
    if (typeof value === 'string' && value !== '') copy[field] = transform(value) as A[typeof field];
  }
  return copy;
}

export function hasEncryptedToken(account: Partial<Record<(typeof TOKEN_FIELDS)[number], unknown>>): boolean {
  return TOKEN_FIELDS.some((field) => isEncrypted(account[field]));
}
