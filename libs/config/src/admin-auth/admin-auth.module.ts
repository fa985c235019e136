import { Global, Module } from '@nestjs/common';
import { AdminGuard } from './admin.guard';
import { AdminSessionController } from './admin-session.controller';
import { AdminTokenService } from './admin-token.service';
import { AuthThrottle } from './auth-throttle';

/** Global so every feature module can put `@UseGuards(AdminGuard)` on its admin controllers. */
@Global()
@Module({
  controllers: [AdminSessionController],
  providers: [AdminTokenService, AuthThrottle, AdminGuard],
  exports: [AdminTokenService, AuthThrottle, AdminGuard],
})
export class AdminAuthModule {}
