import { Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { AdminAuthModule } from '@mcp/admin-auth';
import { AppConfig } from '@mcp/config';
import { errorTable } from '@mcp/errors';
import { storagePort } from '@mcp/storage';
import { ApiKeyRepository, FileApiKeyRepository } from './api-key.repository';
import { ApiKeysAdminService } from './api-keys-admin.service';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';
import { ClientKeyGuard } from './client-key.guard';
import { CLIENT_KEY_ERRORS } from './client-key.errors';
import { MemoryRpmLimiter, RpmLimiter } from './rpm-limiter';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost', '::ffff:127.0.0.1']);

export function isLoopbackHost(host: string): boolean {
  const normalised = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  return LOOPBACK_HOSTS.has(normalised) || /^127(\.\d{1,3}){3}$/.test(normalised);
}

/** Client keys for /v1: the store, the guard the /v1 controllers use, and the admin routes. */
@Module({
  imports: [AdminAuthModule],
  controllers: [ApiKeysController],
  providers: [
    ...storagePort(ApiKeyRepository, FileApiKeyRepository),
    ApiKeysService,
    ApiKeysAdminService,
    ...storagePort(RpmLimiter, MemoryRpmLimiter),
    ClientKeyGuard,
    errorTable('client keys', CLIENT_KEY_ERRORS),
  ],
  exports: [ApiKeysService, ClientKeyGuard, RpmLimiter],
})
export class ClientKeysModule implements OnApplicationBootstrap {
  private readonly logger = new Logger('ClientKeys');

  constructor(
    private readonly keys: ApiKeysService,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.keys.required || isLoopbackHost(this.config.host)) return;
    this.logger.warn(
      `/v1 is OPEN: no client key exists and the server listens on ${this.config.host}, so anyone who can reach ` +
        `port ${this.config.port} can spend your accounts' quota. Create a key in the dashboard (or POST /admin/api-keys) ` +
        'or set PROXY_API_KEYS.',
    );
  }
}
