import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** Lints the sources, tests, benchmarks and scripts with the recommended rules. */
export default tseslint.config(
  {
    ignores: [
      "dist/",
      "build/",
      "node_modules/",
      "coverage/",
      ".scratch/",
      "src/transports/app-server/protocol/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        Buffer: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        URL: "readonly",
        AbortController: "readonly",
        AbortSignal: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
    },
  },
  {
    // CommonJS files (the bundles' link to their folder, src/package-files.bundle.cjs).
    files: ["**/*.cjs"],
    languageOptions: {
      sourceType: "commonjs",
      globals: {
        require: "readonly",
        module: "writable",
        exports: "writable",
        __dirname: "readonly",
        __filename: "readonly",
      },
    },
  },
  {
    // The devtools page runs in the browser.
    files: ["src/devtools/page/**"],
    languageOptions: {
      globals: { document: "readonly", window: "readonly", EventSource: "readonly" },
    },
  },
);
