import {
  type Account,
  ENCRYPTED_PREFIX,
  EncryptionKeyError,
  TokenCipher,
  hasEncryptedToken,
  isEncrypted,
  mapTokens,
} from '@mcp/accounts';
import type { PgDatabase } from '../db/database';

const SETTING_KEY = 'encryption';

type Header = TokenCipher['header'];

/**
 * Tokens at rest under ENCRYPTION_KEY, as in accounts.json: the key-check header lives in
 * mcp_settings, written once by whichever replica starts first, so every replica derives the same key.
 */
export class TokenCodec {
  private constructor(private readonly cipher: TokenCipher | undefined) {}

  static async open(db: PgDatabase, passphrase: string | undefined): Promise<TokenCodec> {
    const header = await readHeader(db);
    if (passphrase === undefined) {
      if (header || (await hasEncryptedTokens(db))) {
        throw keyError('holds encrypted tokens but ENCRYPTION_KEY is not set');
      }
      return new TokenCodec(undefined);
    }
    if (header) {
      const opened = await TokenCipher.open(passphrase, header);
      if (!opened) throw keyError('was encrypted with a different ENCRYPTION_KEY');
      return new TokenCodec(opened);
    }
    const created = await TokenCipher.create(passphrase);
    await db.query(`INSERT INTO mcp_settings (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO NOTHING`, [
      SETTING_KEY,
      JSON.stringify(created.header),
    ]);
    // Another replica may have stored its header first: use whichever won.
    const stored = await readHeader(db);
    const cipher = stored && stored.salt !== created.header.salt ? await TokenCipher.open(passphrase, stored) : created;
    if (!cipher) throw keyError('was encrypted with a different ENCRYPTION_KEY');
    return new TokenCodec(cipher);
  }

  get encrypting(): boolean {
    return this.cipher !== undefined;
  }

  encode(account: Account): Account {
    const cipher = this.cipher;
    if (!cipher) return account;
    return mapTokens(account, (token) => (isEncrypted(token) ? token : cipher.encrypt(token)));
  }

  decode(stored: unknown): Account {
    const account = stored as Account;
    const cipher = this.cipher;
    if (!cipher) {
      if (hasEncryptedToken(account)) {
        throw keyError(`has encrypted tokens for ${account.id} but ENCRYPTION_KEY is not set`);
      }
      return account;
    }
    try {
      return mapTokens(account, (token) => (isEncrypted(token) ? cipher.decrypt(token) : token));
    } catch {
      throw keyError(`has a token that ENCRYPTION_KEY cannot decrypt (account ${account.id})`);
    }
  }
}

async function readHeader(db: PgDatabase): Promise<Header | undefined> {
  const rows = await db.query<{ value: Header }>('SELECT value FROM mcp_settings WHERE key = $1', [SETTING_KEY]);
  return rows[0]?.value;
}

async function hasEncryptedTokens(db: PgDatabase): Promise<boolean> {
  const rows = await db.query(
    `SELECT 1 FROM accounts WHERE doc->>'accessToken' LIKE $1 OR doc->>'refreshToken' LIKE $1 LIMIT 1`,
    [`${ENCRYPTED_PREFIX}%`],
  );
  return rows.length > 0;
}

function keyError(problem: string): EncryptionKeyError {
  return new EncryptionKeyError(
    `The accounts table ${problem}. Refusing to start; nothing was changed. ` +
      'Set ENCRYPTION_KEY to the key the other replicas use.',
  );
}
