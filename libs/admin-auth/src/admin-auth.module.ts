import { Global, Module } from '@nestjs/common';
import { errorTable } from '@mcp/errors';
import { ADMIN_AUTH_ERRORS } from './admin-auth.errors';
import { AdminGuard } from './admin.guard';
import { AdminSessionController } from './admin-session.controller';
import { AdminTokenService } from './admin-token.service';
import { AuthThrottle } from './auth-throttle';
import { SessionService } from './session.service';

/**
 * Admin authentication (PROTOCOL.md §11.1). Global, so `@UseGuards(AdminGuard)` works in every feature module;
 * the modules with admin routes import it too, so each stands on its own. Needs ConfigModule.forRoot().
 */
@Global()
@Module({
  controllers: [AdminSessionController],
  providers: [AdminTokenService, AuthThrottle, AdminGuard, SessionService, errorTable('admin auth', ADMIN_AUTH_ERRORS)],
  exports: [AdminTokenService, AuthThrottle, AdminGuard],
})
export class AdminAuthModule {}
