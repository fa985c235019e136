// The only door of @mcp/testing: builders and fakes for specs (never imported by production code).
export { FAKE_CLOCK_START, FakeClock } from './fake-clock';
export { FakeTimers } from './fake-timers';
export { tempDir } from './temp-dir';
export type { TempDir } from './temp-dir';
export { TEST_ADMIN_TOKEN, disposeTestConfig, testConfig } from './test-config';
export { makeJwt } from './jwt';
export { describeWith, prerequisite, prerequisiteReport } from './prerequisites';
export type { Prerequisite, PrerequisiteStatus } from './prerequisites';
export { eventually } from './eventually';
export type { EventuallyOptions } from './eventually';
export { describeWithPostgres, postgresUnavailable, startPgCluster } from './postgres-cluster';
export type { PgCluster } from './postgres-cluster';
export { caught } from './caught';
