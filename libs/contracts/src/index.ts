// The only door of @mcp/contracts: framework-free types shared by the proxy and the dashboard.
export * from './usage';
export * from './account';
export * from './oauth';
export * from './trace';
export * from './stats';
export * from './admin';
export * from './forecast';
export * from './anthropic';
