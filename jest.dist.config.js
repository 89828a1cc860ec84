import base from "./jest.config.js";

/**
 * The suites that drive the public API (drop-in, real binary, faults, supervision, devtools), run against
 * the published bundle `dist/index.js` instead of the sources: `npm run test:dist` after a build.
 */
export default {
  ...base,
  moduleNameMapper: {
    "^(\\.\\./)+src/index\\.js$": "<rootDir>/dist/index.js",
    ...base.moduleNameMapper,
  },
  testMatch: [
    "<rootDir>/test/drop-in.test.ts",
    "<rootDir>/test/real-binary.*.test.ts",
    "<rootDir>/test/faults.test.ts",
    "<rootDir>/test/supervision.test.ts",
    "<rootDir>/test/parity.test.ts",
    "<rootDir>/test/devtools.server.test.ts",
  ],
};
