import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@mcp/config';
import { JsonDocumentStore } from '@mcp/storage';
import { type Account, emptyState } from './account';
import { AccountRepository } from './account.repository';
import { EncryptionKeyError } from './errors';
import { type EncryptionHeader, TokenCipher, hasEncryptedToken, isEncrypted, mapTokens } from './token-cipher';

/** accounts.json (PROTOCOL §10.2), plus the key header when ENCRYPTION_KEY is set. */
export interface AccountsDocument {
  version: 1;
  encryption?: EncryptionHeader;
  accounts: Account[];
}

/** Accounts in one atomic JSON document; tokens encrypted at rest when ENCRYPTION_KEY is set. */
@Injectable()
export class FileAccountRepository extends AccountRepository {
  private readonly logger = new Logger('Accounts');
  private readonly store: JsonDocumentStore<AccountsDocument>;
  private cipher: Promise<TokenCipher> | undefined;

  constructor(private readonly config: AppConfig) {
    super();
    this.store = new JsonDocumentStore<AccountsDocument>(config.storePath);
  }

  override async load(): Promise<Account[]> {
    const doc = await this.store.read();
    if (doc === undefined) return [];
    if (doc.version !== 1 || !Array.isArray(doc.accounts)) {
      throw new Error(
        `${this.config.storePath} is not an accounts document ({version:1, accounts:[…]}); left untouched`,
      );
    }
    const encrypted = doc.encryption !== undefined || doc.accounts.some(hasEncryptedToken);
    const passphrase = this.config.encryptionKey;
    if (passphrase === undefined) {
      if (encrypted) throw this.keyError('holds encrypted tokens but ENCRYPTION_KEY is not set');
      return doc.accounts.map(normalise);
    }
    const cipher = await this.cipherFor(passphrase, doc);
    return doc.accounts.map((account) => normalise(this.decryptTokens(account, cipher)));
  }

  override async save(accounts: Account[]): Promise<void> {
    const passphrase = this.config.encryptionKey;
    if (passphrase === undefined) {
      await this.store.write({ version: 1, accounts });
      return;
    }
    this.cipher ??= TokenCipher.create(passphrase);
    const cipher = await this.cipher;
    await this.store.write({
      version: 1,
      encryption: cipher.header,
      accounts: accounts.map((account) => mapTokens(account, (token) => cipher.encrypt(token))),
    });
  }

  private async cipherFor(passphrase: string, doc: AccountsDocument): Promise<TokenCipher> {
    if (doc.encryption === undefined) {
      if (doc.accounts.some(hasEncryptedToken)) throw this.keyError('holds encrypted tokens without their key header');
      this.logger.log(`ENCRYPTION_KEY is set: tokens in ${this.config.storePath} will be encrypted at the next save`);
      this.cipher = TokenCipher.create(passphrase);
      return this.cipher;
    }
    const opened = await TokenCipher.open(passphrase, doc.encryption);
    if (!opened) throw this.keyError('was encrypted with a different ENCRYPTION_KEY');
    this.cipher = Promise.resolve(opened);
    return opened;
  }

  private decryptTokens(account: Account, cipher: TokenCipher): Account {
    try {
      return mapTokens(account, (token) => (isEncrypted(token) ? cipher.decrypt(token) : token));
    } catch {
      throw this.keyError(`has a token that ENCRYPTION_KEY cannot decrypt (account ${account.id})`);
    }
  }

  private keyError(problem: string): EncryptionKeyError {
    return new EncryptionKeyError(
      `${this.config.storePath} ${problem}. Refusing to start; the file was left untouched. ` +
        'Set ENCRYPTION_KEY to the key used when the file was written.',
    );
  }
}

/** Fills state defaults so a hand-edited or older file still loads. */
function normalise(account: Account): Account {
  const state = { ...emptyState(), ...(account.state ?? {}) };
  return {
    ...account,
    enabled: account.enabled ?? true,
    priority: account.priority ?? 0,
    state: { ...state, modelBlocks: state.modelBlocks ?? {}, recentErrors: state.recentErrors ?? [] },
  };
}
