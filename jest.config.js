/** jest in ESM mode: the project and @actions/* are ESM-only. */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // ts-jest transpiles file by file (types are checked by `npm run typecheck`). It needs no native
  // binary, unlike @swc/core, whose platform packages the registry does not all serve.
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, transpilation: true, tsconfig: { module: 'ES2022', moduleResolution: 'Bundler', target: 'ES2023', isolatedModules: true, verbatimModuleSyntax: true } }],
  },
  testTimeout: 30000,
  // Tests start servers, daemons and child processes. A process a test left behind holds a worker's
  // pipes and keeps jest waiting: the global teardown ends them, so jest exits on its own. Every
  // temporary folder of a run lies under one TMPDIR, removed at the end (test/setup/temp-folder.mjs).
  globalSetup: '<rootDir>/test/setup/global-setup.mjs',
  globalTeardown: '<rootDir>/test/setup/global-teardown.mjs',
  setupFiles: ['<rootDir>/test/setup/tool-path.ts'],
  reporters: ['default', '<rootDir>/test/summary-reporter.mjs'],
};
