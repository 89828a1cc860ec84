import base from "./jest.config.js";

/**
 * The suites that drive the public API (drop-in, real binary, faults, supervision, devtools,
 * the testing kit, distributed turns and the PR bot example), run against the published bundles
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
    "<rootDir>/test/bullmq.test.ts",
    "<rootDir>/examples/pr-bot/pr-bot.test.ts",
  ],
};
