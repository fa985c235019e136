export * from './app-config';
export * from './anthropic-model-map';
export * from './clock';
export * from './config.module';
export { EnvReader } from './env-parsers';
export type { Env } from './env-parsers';
export { FLEET_LEADERSHIP, type FleetLeadership, runAsLeader, sharedStoreToken, storagePort } from './shared-store';
