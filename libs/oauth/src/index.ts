// The only door of @mcp/oauth.
export { OAuthModule } from './oauth.module';
export { OAuthService } from './oauth.service';
export { OAuthClient, type DeviceCode, type DevicePoll } from './oauth-client';
export { type OAuthFlow, toFlowView, tidyFlows } from './flow';
export { FileFlowRepository, FlowRepository, type OAuthStateDocument } from './flow.repository';
export {
  FlowClosedError,
  FlowExpiredError,
  FlowNotFoundError,
  OAUTH_ERRORS,
  OAuthInputError,
  OAuthUpstreamError,
} from './errors';
export { parseRedirectInput, type RedirectInput } from './redirect-input';
export { createPkce, pkceChallenge } from './pkce';
