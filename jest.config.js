/** Jest runs the TypeScript sources as ESM through ts-jest; type errors are `npm run typecheck`'s job. */
export default {
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: { "^.+\\.ts$": ["ts-jest", { useESM: true, diagnostics: false }] },
  testMatch: ["<rootDir>/test/**/*.test.ts"],
  testTimeout: 30_000,
  reporters: ["default", "<rootDir>/test/support/summary-reporter.mjs"],
};
