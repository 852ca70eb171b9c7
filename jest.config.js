// One jest run covers every project: unit specs (*.spec.ts) and integration specs (*.int-spec.ts)
// that start their own embedded PostgreSQL. Benchmarks live in bench/ and never run here.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true, tsx: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, react: { runtime: 'automatic' } },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/scripts'],
  testMatch: ['**/*.spec.ts', '**/*.int-spec.ts'],
  // The console's own specs (apps/web/src/**/*.spec.ts) cover its pure logic (forms, URL filters, diffs)
  // in node; its pages are exercised in real Chromium by the e2e tests.
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.next/'],
  transform: { '^.+\\.(t|j|mj)sx?$': swc },
  moduleNameMapper: {
    '^@switchboard/contracts$': '<rootDir>/libs/contracts/src/index.ts',
    '^@/(.*)$': '<rootDir>/apps/web/src/$1',
  },
  globalSetup: '<rootDir>/apps/api/src/testing/jest-global-setup.ts',
  globalTeardown: '<rootDir>/apps/api/src/testing/jest-global-teardown.ts',
  // NestJS 12, the schema engine's wasm bindings and the OpenID Connect packages (openid-client with
  // oauth4webapi and jose; oidc-provider for the SSO tests) ship as ESM: swc turns them into CommonJS for
  // jest (Node itself loads them through require(esm); jest's module system cannot before Node 24.9).
  transformIgnorePatterns: [
    '/node_modules/(?!(@nestjs|@prisma/schema-engine-wasm|openid-client|oauth4webapi|jose|oidc-provider)/)',
  ],
  testTimeout: 30000,
};
