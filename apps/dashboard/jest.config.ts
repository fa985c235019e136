import type { Config } from 'jest';
import { createCjsPreset } from 'jest-preset-angular/presets';

// rootDir is this app so the preset finds tsconfig.spec.json; isolatedModules there keeps the transform fast.
const config: Config = {
  ...createCjsPreset({ tsconfig: '<rootDir>/tsconfig.spec.json' }),
  displayName: 'dashboard',
  rootDir: __dirname,
  roots: ['<rootDir>/src'],
  testMatch: ['**/*.spec.ts'],
  setupFilesAfterEnv: ['<rootDir>/src/setup-jest.ts'],
  moduleNameMapper: {
    '^@mcp/contracts$': '<rootDir>/../../libs/contracts/src/index.ts',
  },
};

export default config;
