// Loaded lazily by AccountsLookup: the only place tracing needs @mcp/accounts at run time.
export { AccountsService } from '@mcp/accounts';
