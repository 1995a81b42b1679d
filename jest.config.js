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
  // Seen once in a full run: every test passed and jest then waited on an open handle for minutes.
  // Tests start servers, daemons and child processes; CI must end when the results are in.
  forceExit: true,
  // The real Kubernetes tier: one cluster per run, started by the first test that needs it (test/cluster/shared.ts).
  globalSetup: '<rootDir>/test/cluster/jest-setup.mjs',
  globalTeardown: '<rootDir>/test/cluster/jest-teardown.mjs',
  reporters: ['default', '<rootDir>/test/summary-reporter.mjs'],
};
