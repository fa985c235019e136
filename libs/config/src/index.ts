export * from './app-config';
export * from './anthropic-model-map';
export * from './clock';
export * from './config.module';
export { EnvReader } from './env-parsers';
export type { Env } from './env-parsers';
