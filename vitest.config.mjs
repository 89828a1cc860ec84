import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * Vitest runs the Vitest example only (examples/pr-bot/pr-bot.vitest.ts; Jest runs the rest),
 * on the sources: `npm run test:vitest`, which test/examples.test.ts runs.
 */
export default defineConfig({
  resolve: {
    alias: {
      "codex-actors/testing": fileURLToPath(new URL("./src/testing/index.ts", import.meta.url)),
      "codex-actors": fileURLToPath(new URL("./src/index.ts", import.meta.url)),
    },
  },
  test: {
    include: ["examples/**/*.vitest.ts"],
    testTimeout: 30_000,
    pool: "forks",
  },
});
