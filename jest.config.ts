import type { Config } from 'jest';

// Three projects so the dashboard's specs (jsdom + Angular) never run in the Node project and
// the browser e2e (needs the built dashboard and Chromium) can be selected on its own.
const aliases = {
  '^@mcp/(config|errors|admin-auth|client-keys|contracts|codex|storage|accounts|oauth|routing|tracing|proxy|postgres|testing)$':
    '<rootDir>/libs/$1/src/index.ts',
  // Subpaths of the test-support lib (`@mcp/testing/fakes`).
  '^@mcp/testing/(.+)$': '<rootDir>/libs/testing/src/$1.ts',
  // The emulator, for specs only (the lint rule keeps production code from importing it).
  '^@mcp/fake-chatgpt$': '<rootDir>/apps/fake-chatgpt/src/index.ts',
};

const nodeTransform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
} as const;

const config: Config = {
  testTimeout: 30_000,
  projects: [
    {
      displayName: 'node',
      testEnvironment: 'node',
      rootDir: '.',
      roots: ['<rootDir>/libs', '<rootDir>/apps/proxy', '<rootDir>/apps/fake-chatgpt', '<rootDir>/scripts'],
      testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
      moduleNameMapper: aliases,
      transform: nodeTransform,
    },
    {
      displayName: 'browser',
      testEnvironment: 'node',
      rootDir: '.',
      roots: ['<rootDir>/apps/proxy/test'],
      testMatch: ['**/*.browser-spec.ts'],
      moduleNameMapper: aliases,
      transform: nodeTransform,
    },
    '<rootDir>/apps/dashboard/jest.config.ts',
  ],
};

export default config;
