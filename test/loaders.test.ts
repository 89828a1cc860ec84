import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { copyFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runNode } from "./support/child-run.js";
import { hermeticEnv } from "./support/hermetic-env.js";
import { ROOT, packedProject } from "./support/packed-project.js";
import { scaled } from "./support/deadlines.js";

// The published package, installed in a user's CommonJS project, loaded every way users load an
// ES-module-only package: by Jest with the package transformed to CommonJS (ts-jest, as the
// official SDK's repository runs its tests; babel-jest), by Vitest, and bundled by esbuild.
// (Plain Node ESM: package.test.ts.) Each runs turns of the real binary on the kit's stand-in.

const FIXTURES = fileURLToPath(new URL("./fixtures/loaders/", import.meta.url));
const bin = (file: string) => path.join(ROOT, "node_modules", file);
const JEST = bin("jest/bin/jest.js");
const VITEST = bin("vitest/vitest.mjs");
const ESBUILD = bin("esbuild");
const RUN_MS = 150_000;

let project: { dir: string; remove: () => void };
let env: Record<string, string>;

beforeAll(() => {
  project = packedProject("loaders", [
    "xstate",
    "@openai/codex",
    "@jest/globals",
    "ts-jest",
    "typescript",
    "@babel/preset-env",
    "vitest",
  ]);
  mkdirSync(path.join(project.dir, "tests"));
  for (const [fixture, to] of [
    ["jest.ts-jest.config.cjs", "jest.ts-jest.config.cjs"],
    ["jest.babel-jest.config.cjs", "jest.babel-jest.config.cjs"],
    ["babel.config.cjs", "babel.config.cjs"],
    ["vitest.config.mjs", "vitest.config.mjs"],
    ["sdk.spec.ts", "tests/sdk.spec.ts"],
    ["babel.spec.js", "tests/babel.spec.js"],
    ["smoke.vitest.mjs", "tests/smoke.vitest.mjs"],
    ["bundled-user.mjs", "bundled-user.mjs"],
  ])
    copyFileSync(path.join(FIXTURES, fixture!), path.join(project.dir, to!));
  mkdirSync(path.join(project.dir, "home"));
  env = hermeticEnv({ HOME: path.join(project.dir, "home"), NO_COLOR: "1", CI: "1" });
});

afterAll(() => project.remove());

const run = (args: string[]) => runNode(args, { cwd: project.dir, env, timeoutMs: RUN_MS });

/** Jest in the project with one of its configs, its cache in the project (so cold). */
const jest = (config: string) =>
  run([JEST, "-c", config, "--ci", "--cacheDirectory", path.join(project.dir, ".jest-cache")]);

describe("codex-actors, installed in a CommonJS project", () => {
  it(
    "passes the official SDK's API tests under ts-jest, transformed to CommonJS",
    async () => {
      const ran = await jest("jest.ts-jest.config.cjs");
      expect(ran).toEqual({
        code: 0,
        signal: null,
        output: expect.stringMatching(/Tests:\s+5 passed, 5 total/),
      });
    },
    RUN_MS + 10_000,
  );

  it(
    "runs turns under babel-jest, transformed to CommonJS by @babel/preset-env",
    async () => {
      const ran = await jest("jest.babel-jest.config.cjs");
      expect(ran).toEqual({
        code: 0,
        signal: null,
        output: expect.stringMatching(/Tests:\s+1 passed, 1 total/),
      });
    },
    RUN_MS + 10_000,
  );

  it(
    "runs a turn under Vitest",
    async () => {
      const ran = await run([VITEST, "run"]);
      expect(ran).toEqual({
        code: 0,
        signal: null,
        output: expect.stringMatching(/Tests\s+1 passed/),
      });
    },
    RUN_MS + 10_000,
  );

  it(
    "require()s it from CommonJS (Node's require of ES modules) and runs a turn",
    async () => {
      const script = [
        'const { Codex } = require("codex-actors");',
        'const { reply, startModelStandIn } = require("codex-actors/testing");',
        "(async () => {",
        '  const standIn = await startModelStandIn([reply.message("Required!")]);',
        "  const codex = new Codex({ ...standIn.codexOptions });",
        '  const turn = await codex.startThread({ ...standIn.threadOptions }).run("Hello");',
        "  await codex.shutdown();",
        "  await standIn.close();",
        "  console.log(turn.finalResponse);",
        "})();",
      ].join("\n");
      const ran = await run(["--no-warnings", "-e", script]);
      expect(ran).toEqual({ code: 0, signal: null, output: "Required!\n" });
    },
    scaled(60_000),
  );

  it.each(["esm", "cjs"])(
    "runs turns bundled by esbuild (format %s), the binary found from the bundle",
    async (format) => {
      const out = path.join("out", `bundled.${format === "esm" ? "mjs" : "cjs"}`);
      const options = {
        entryPoints: ["bundled-user.mjs"],
        bundle: true,
        platform: "node",
        format,
        outfile: out,
        logLevel: "error",
      };
      const bundled = await run([
        "-e",
        `require(${JSON.stringify(ESBUILD)}).buildSync(${JSON.stringify(options)})`,
      ]);
      expect(bundled).toEqual({ code: 0, signal: null, output: "" });
      const ran = await run([out]);
      expect(ran).toEqual({
        code: 0,
        signal: null,
        output: `${JSON.stringify({ finalResponse: "Bundled!", output: { n: 1 } })}\n`,
      });
    },
    60_000,
  );
});
