/**
 * Jest runs the TypeScript sources as ESM through ts-jest; type errors are `npm run typecheck`'s
 * job. Every run is marked (global-setup), every test's rigs are torn down after it
 * (teardown-after-each), the summary reporter fails the run if any process is left, the closing
 * line ("N passed, N failed") comes last (closing-line), and Jest exits once the run is over even
 * if a handle is still open.
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
  testResultsProcessor: "<rootDir>/test/support/closing-line.mjs",
  forceExit: true,
  // Coverage, read in the same run when `npm test` passes --coverage (README, "Coverage"):
  // istanbul's counters, put in as Jest loads each file (V8's own counters cost a little less,
  // but count every comment and type line of a loaded file as covered). Only code that runs in
  // Jest's processes can be counted: the generated app-server protocol (types only), the devtools
  // page (runs in Chromium) and the demo (runs as build/demo, in a child process) are left out.
  coverageProvider: "babel",
  collectCoverageFrom: [
    "src/**/*.{ts,tsx}",
    "!src/transports/app-server/protocol/**",
    "!src/devtools/page/**",
    "!src/demo/**",
  ],
  coverageReporters: ["text-summary", "json-summary", "html"],
  // The figures measured when they were set, less about a point where not 100 (README,
  // "Coverage"), so that a change that lowers them fails the run but timing does not. Jest's "global" is the files no other entry names.
  coverageThreshold: {
    global: { statements: 93, branches: 86, functions: 94, lines: 95 },
    "./src/codex.ts": { statements: 100, branches: 100, functions: 100, lines: 100 },
    "./src/thread.ts": { statements: 100, branches: 100, functions: 100, lines: 100 },
    "./src/transports/exec/": { statements: 98, branches: 94, functions: 100, lines: 100 },
  },
};
