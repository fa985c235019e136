import { Module } from '@nestjs/common';
import { AdminAuthModule } from '@mcp/admin-auth';
import { errorTable } from '@mcp/errors';
import { FleetLeadership, SoleLeadership, storagePort } from '@mcp/storage';
import { AccountRepository } from './account.repository';
import { AccountsAdminService } from './accounts-admin.service';
import { AccountsService } from './accounts.service';
import { ChatgptHttp } from './chatgpt-http';
import { ACCOUNTS_ERRORS } from './errors';
import { FileAccountRepository } from './file-account.repository';
import { AccountsController } from './http/accounts.controller';
import { ModelsController } from './http/models.controller';
import { UsageController } from './http/usage.controller';
import { ModelCatalogService } from './model-catalog.service';
import { CatalogueShare, LocalCatalogueShare, LocalRefreshCoordinator, RefreshCoordinator } from './shared-store-ports';
import { ModelDiscoveryJob } from './model-discovery.job';
import { TokenEvents } from './token-events';
import { TokenRefreshJob } from './token-refresh.job';
import { TokenService } from './token.service';
import { UsageProbeJob } from './usage-probe.job';
import { UsageProbeService } from './usage-probe.service';

/** Provided here and exported as they are: what other modules (proxy, oauth, admin) inject. */
const SHARED = [AccountsService, ChatgptHttp, TokenService, TokenEvents, UsageProbeService, ModelCatalogService];

/**
 * Accounts, tokens, quota probes and the model catalogue, with their admin routes.
 * Needs ConfigModule.forRoot() (AppConfig, Clock, Timers). The jobs only run when the app
 * registers ScheduleModule.forRoot(). Specs swap the store with overrideProvider(AccountRepository); with a
 * shared store (STORAGE=postgres) every port below gets the store's adapter through storagePort.
 */
@Module({
  imports: [AdminAuthModule],
  controllers: [AccountsController, UsageController, ModelsController],
  providers: [
    ...storagePort(AccountRepository, FileAccountRepository),
    ...storagePort(RefreshCoordinator, LocalRefreshCoordinator),
    ...storagePort(CatalogueShare, LocalCatalogueShare),
    ...storagePort(FleetLeadership, SoleLeadership),
    ...SHARED,
    AccountsAdminService,
    TokenRefreshJob,
    UsageProbeJob,
    ModelDiscoveryJob,
    errorTable('accounts', ACCOUNTS_ERRORS),
  ],
  exports: [...SHARED, AccountRepository],
})
export class AccountsModule {}
