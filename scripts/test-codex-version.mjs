#!/usr/bin/env node
// `npm run test:codex-version -- <version> [jest args]`: runs the suites that drive the real codex
// binary against another `@openai/codex` release than the pinned one — run it before bumping the
// pin. The release is installed into a temp folder (npm, with its platform package), named to the
// library by CODEX_ACTORS_CODEX_PATH, and the suites go through `npm test`'s own guard
// (scripts/run-tests.mjs: time limit, no leftover process). The temp folder is removed whatever
// happens. Exits with the suites' code.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const RUN_TESTS = path.join(ROOT, "scripts", "run-tests.mjs");
/** A suite drives the real binary when it builds one of these rigs. */
const REAL_BINARY_RIGS = /support\/(real-codex|app-server)\.js/;

const [version, ...jestArgs] = process.argv.slice(2);
if (!version || !/^[\w.-]+$/.test(version)) {
  console.error("usage: npm run test:codex-version -- <version, e.g. 0.169.0> [jest args]");
  process.exit(2);
}

const work = mkdtempSync(path.join(tmpdir(), "codex-actors-codex-version-"));
const removeWork = () => rmSync(work, { recursive: true, force: true });
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"])
  process.on(signal, () => {
    removeWork();
    process.exit(1);
  });

try {
  process.exitCode = await testVersion();
} finally {
  removeWork();
}

async function testVersion() {
  console.log(`Installing @openai/codex@${version} into ${work}…`);
  execFileSync(
    "npm",
    [
      "install",
      "--prefix",
      work,
      "--no-save",
      "--no-audit",
      "--no-fund",
      `@openai/codex@${version}`,
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  const binary = installedBinary(path.join(work, "node_modules", "@openai"));
  const reported = execFileSync(binary, ["--version"], { encoding: "utf8" }).trim();
  const suites = readdirSync(path.join(ROOT, "test"))
    .filter((file) => file.endsWith(".test.ts"))
    .filter((file) => REAL_BINARY_RIGS.test(readFileSync(path.join(ROOT, "test", file), "utf8")))
    .map((file) => path.join("test", file));
  console.log(`${reported} (${binary}): ${suites.length} real-binary suites`);
  const child = spawn(process.execPath, [RUN_TESTS, ...jestArgs, ...suites], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, CODEX_ACTORS_CODEX_PATH: binary },
  });
  const code = await new Promise((resolve) => child.on("exit", (exitCode) => resolve(exitCode)));
  console.log(`${reported}: the real-binary suites ${code === 0 ? "pass" : "FAIL"}.`);
  return code ?? 1;
}

/** The codex executable of the platform package npm installed beside `@openai/codex`. */
function installedBinary(scope) {
  const name = process.platform === "win32" ? "codex.exe" : "codex";
  for (const entry of readdirSync(scope).filter((dir) => dir.startsWith("codex-"))) {
    const vendor = path.join(scope, entry, "vendor");
    if (!existsSync(vendor)) continue;
    for (const triple of readdirSync(vendor)) {
      const binary = path.join(vendor, triple, "bin", name);
      if (existsSync(binary)) return binary;
    }
  }
  throw new Error(`npm installed no codex binary for ${process.platform} ${process.arch}`);
}
