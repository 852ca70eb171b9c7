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
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.next/', '<rootDir>/apps/web/'],
  transform: { '^.+\\.(t|j)sx?$': swc },
  moduleNameMapper: { '^@switchboard/contracts$': '<rootDir>/libs/contracts/src/index.ts' },
  testTimeout: 30000,
};
