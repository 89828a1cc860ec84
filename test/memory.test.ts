import { describe, expect, it } from "@jest/globals";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { FAKE_APP_SERVER } from "./support/fake-app-server.js";
import { MOCK_CODEX } from "./support/mock-codex.js";

const HOST = fileURLToPath(new URL("./fixtures/memory-host.mjs", import.meta.url));
const THREADS = 30;

type Report = { kbPerThread: number; threadActors: number; kept: number };

/** A measurement runs a child that starts codex for each thread: minutes on a loaded machine. */
const MEASURE_LIMIT_MS = 150_000;

/**
 * Runs THREADS one-turn threads with 1 MB prompts in a host of their own, with a GC to call.
 * A thread that kept its prompt would hold over 1 000 KB; the bound leaves room for noise.
 */
async function measure(
  mode: "keep" | "drop",
  transport: "exec" | "app-server" = "exec",
): Promise<Report> {
  const binary = transport === "exec" ? MOCK_CODEX : FAKE_APP_SERVER;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--expose-gc", HOST, binary, mode, String(THREADS), transport],
    { maxBuffer: 1 << 20, timeout: MEASURE_LIMIT_MS, killSignal: "SIGKILL" },
  );
  return JSON.parse(stdout) as Report;
}

const TRANSPORTS = [
  { transport: "exec", title: "memory of threads after their turns" },
  {
    transport: "app-server",
    title: "memory of threads after their turns on the app-server (one server for all)",
  },
] as const;

describe.each(TRANSPORTS)("$title", ({ transport }) => {
  it(
    "a thread kept after a turn with a 1 MB prompt holds no part of it",
    async () => {
      const report = await measure("keep", transport);
      expect(report.threadActors).toBe(THREADS);
      expect(report.kbPerThread).toBeLessThan(64);
    },
    MEASURE_LIMIT_MS + 5_000,
  );

  it(
    "a thread nobody references is collected with its actor",
    async () => {
      const report = await measure("drop", transport);
      expect(report.threadActors).toBe(0);
      expect(report.kbPerThread).toBeLessThan(64);
    },
    MEASURE_LIMIT_MS + 5_000,
  );
});
