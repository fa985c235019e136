// Loaded lazily by AccountsLookup and RefreshMetrics: the only place tracing needs @mcp/accounts at run time.
export { AccountsService, TokenEvents } from '@mcp/accounts';
