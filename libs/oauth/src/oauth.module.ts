import { Module } from '@nestjs/common';
import { AccountsModule } from '@mcp/accounts';
import { FileFlowRepository, FlowRepository } from './flow.repository';
import { OAuthController } from './http/oauth.controller';
import { OAuthClient } from './oauth-client';
import { OAuthService } from './oauth.service';

/** Account onboarding by OAuth. Needs ConfigModule.forRoot(); specs swap FlowRepository with overrideProvider. */
@Module({
  imports: [AccountsModule],
  controllers: [OAuthController],
  providers: [{ provide: FlowRepository, useClass: FileFlowRepository }, OAuthClient, OAuthService],
  exports: [OAuthService],
})
export class OAuthModule {}
