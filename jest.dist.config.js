import base from "./jest.config.js";

/**
 * The suites that drive the public API (drop-in, real binary, faults, supervision, devtools,
 * the testing kit, the distributed producer and the PR bot example), run against the published bundles
 * `dist/index.js`, `dist/testing/index.js` and `dist/bullmq.js` instead of the sources:
 * `npm run test:dist` after a build.
 */
export default {
  ...base,
  moduleNameMapper: {
    "^(\\.\\./)+src/index\\.js$": "<rootDir>/dist/index.js",
    "^(\\.\\./)+src/testing/index\\.js$": "<rootDir>/dist/testing/index.js",
    "^(\\.\\./)+src/bullmq/index\\.js$": "<rootDir>/dist/bullmq.js",
    "^codex-actors$": "<rootDir>/dist/index.js",
    "^codex-actors/testing$": "<rootDir>/dist/testing/index.js",
    "^(\\.{1,2}/.*)\\.js$": "$1",
  },
  testMatch: [
    "<rootDir>/test/drop-in.test.ts",
    "<rootDir>/test/real-binary.*.test.ts",
    "<rootDir>/test/faults.test.ts",
    "<rootDir>/test/supervision.test.ts",
    "<rootDir>/test/parity.test.ts",
    "<rootDir>/test/devtools.server.test.ts",
    "<rootDir>/test/testing.stand-in.test.ts",
    // The producer from the bundle, against worker processes (which always run dist/bullmq.js):
    // run, runStreamed, a worker's failure rebuilt, the queue page. The full fault suite
    // (test/bullmq.test.ts) runs once, in `npm test`, to keep CI within its time.
    "<rootDir>/test/bullmq.devtools.browser.test.ts",
    "<rootDir>/examples/pr-bot/pr-bot.test.ts",
  ],
};
