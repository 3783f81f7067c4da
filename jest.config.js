// Tests run as CommonJS compiled by SWC. Middy and jose ship ESM only, so they are compiled too.
// The AWS SDK warns on Node 20 at every load; the code runs on nodejs22.x in AWS.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(ts|js|mjs)$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@middy|jose)/)'],
  // Files esbuild embeds as text when it bundles (esbuild.config.cjs, browser-bundle:) are not modules here.
  moduleNameMapper: {
    '^browser-bundle:.*$': '<rootDir>/tests/kit/embedded-text.cjs',
    '^.+\\.css$': '<rootDir>/tests/kit/embedded-text.cjs',
  },
  globalSetup: '<rootDir>/tests/harness/global-setup.ts',
  setupFiles: ['<rootDir>/tests/harness/capture-logs.ts'],
  globalTeardown: '<rootDir>/tests/harness/global-teardown.ts',
  testTimeout: 60_000,
};
