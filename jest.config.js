/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.tsx?$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  testTimeout: 120000,
  setupFilesAfterEnv: ['<rootDir>/test/helpers/jest-cleanup.ts'],
  // cdktf synthesis is CPU-bound; two workers match the two cores of the CI machine.
  maxWorkers: 2,
};
