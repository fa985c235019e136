// `@mcp/testing/history`: traces and stats records for specs — a builder, a history generator, a reference oracle.
export { generateHistory, writeHistoryFile } from './history/generate-history';
export type { GenerateHistoryOptions } from './history/generate-history';
export { referenceAggregate } from './history/reference-stats';
export { traceRecord } from './history/trace-record';
