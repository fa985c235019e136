import { Module } from '@nestjs/common';
import { AccountsModule } from '@mcp/accounts';
import { errorTable } from '@mcp/errors';
import { storagePort } from '@mcp/storage';
import { OAUTH_ERRORS } from './errors';
import { FileFlowRepository, FlowRepository } from './flow.repository';
import { OAuthController } from './http/oauth.controller';
import { OAuthClient } from './oauth-client';
import { OAuthService } from './oauth.service';

/** Account onboarding by OAuth. Needs ConfigModule.forRoot(); specs swap FlowRepository with overrideProvider. */
@Module({
  imports: [AccountsModule],
  controllers: [OAuthController],
  providers: [
    ...storagePort(FlowRepository, FileFlowRepository),
    OAuthClient,
    OAuthService,
    errorTable('oauth', OAUTH_ERRORS),
  ],
  exports: [OAuthService],
})
export class OAuthModule {}
