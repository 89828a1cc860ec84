"use strict";
// `dist/package-files.cjs`: the published bundles' way to what comes with them (what
// src/package-files.ts is to the sources). CommonJS, so that each way a user loads the package
// gives it its own folder and a `require` that resolves from it — Node's ES modules (which
// import it), a test runner's transform of the package to CommonJS (Jest with ts-jest or
// babel-jest: `import.meta` would be a syntax error there), a bundler (which inlines it and the
// ajv it requires).

/** The folder of the published files, or undefined where a bundler inlined this file. */
exports.folder =
  typeof __filename === "string" && /package-files\.cjs$/.test(__filename) ? __dirname : undefined;

/**
 * The user's xstate, required (scripts/build.mjs says why): the bundle's xstate imports read it.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
exports.xstate = require("xstate");

/** ajv, which only turns with an `outputSchema` need: the copy built beside this file. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
exports.loadAjv = () => require("./ajv.cjs");

/** Where `id` resolves from this file, or undefined if it does not. */
exports.resolve = (id) => {
  try {
    return require.resolve(id);
  } catch {
    return undefined;
  }
};
