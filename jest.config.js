/**
 * Jest runs the TypeScript sources as ESM through ts-jest; type errors are `npm run typecheck`'s
 * job. Every run is marked (global-setup), every test's rigs are torn down after it
 * (teardown-after-each), the summary reporter fails the run if any process is left, and Jest
 * exits once the run is over even if a handle is still open.
 */
/** Bounds stretch on a busier machine than usual (test/support/deadlines.ts). */
const timeScale = Math.max(1, Number(process.env.CODEX_ACTORS_TEST_TIME_SCALE) || 1);

export default {
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  moduleNameMapper: {
    "^codex-actors$": "<rootDir>/src/index.ts",
    "^codex-actors/testing$": "<rootDir>/src/testing/index.ts",
    "^(\\.{1,2}/.*)\\.js$": "$1",
  },
  transform: { "^.+\\.ts$": ["ts-jest", { useESM: true, diagnostics: false }] },
  testMatch: ["<rootDir>/test/**/*.test.ts", "<rootDir>/examples/**/*.test.ts"],
  testTimeout: 30_000 * timeScale,
  // Most of a test's time is spent waiting on child processes: two workers keep both cores busy
  // (Jest's default on a 2-core machine is one).
  maxWorkers: 2,
  globalSetup: "<rootDir>/test/support/global-setup.mjs",
  setupFilesAfterEnv: ["<rootDir>/test/support/teardown-after-each.ts"],
  reporters: ["default", "<rootDir>/test/support/summary-reporter.mjs"],
  forceExit: true,
};
