// The only door of @mcp/admin-auth: the admin guard, the token, the sign-in throttle and the dashboard session.
export { AdminAuthModule } from './admin-auth.module';
export { AdminGuard } from './admin.guard';
export { AdminTokenService, constantTimeEqual } from './admin-token.service';
export { AuthThrottle } from './auth-throttle';
export { SessionService } from './session.service';
export { ADMIN_AUTH_ERRORS, AdminSignInThrottledError, InvalidAdminTokenError } from './admin-auth.errors';
export { ADMIN_COOKIE, bearerToken, cookieValue, headerValue } from './request-credentials';
