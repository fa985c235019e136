/**
 * DI tokens under which PostgresModule offers its adapters to the feature modules. They are strings
 * (not the port classes) so this lib depends on no port that a feature lib has not published yet,
 * and so a feature module can look an adapter up with `@Optional() @Inject(token)` without
 * importing this lib. The feature libs spell the same strings through `sharedStoreToken(port)`
 * from @mcp/config: `shared-store:<PortName>`.
 */
export const SHARED_STORE_TOKENS = {
  accountRepository: 'shared-store:AccountRepository',
  flowRepository: 'shared-store:FlowRepository',
  apiKeyRepository: 'shared-store:ApiKeyRepository',
  traceLogs: 'shared-store:TraceLogs',
  sessionAffinity: 'shared-store:SessionAffinity',
  refreshCoordinator: 'shared-store:RefreshCoordinator',
  fleetLeadership: 'shared-store:FleetLeadership',
  catalogueShare: 'shared-store:CatalogueShare',
} as const;

export type SharedStoreRole = keyof typeof SHARED_STORE_TOKENS;
