import { describe, expect, it } from "@jest/globals";
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { processesMarked } from "../src/testing/processes.js";
import { scaled } from "./support/deadlines.js";
import { hermeticEnv } from "./support/hermetic-env.js";
import { atTeardown, tempDir } from "./support/rig-registry.js";

// `npm run demo:cluster` as a user runs it (build/demo/cluster/main.js, in a child process): what
// it prints, its exit code, and that it leaves nothing behind — no process carrying its mark
// (`CODEX_ACTORS_DEMO=<its pid>`: redis-server, workers, their codex), no temp folder.

const DEMO = fileURLToPath(new URL("../build/demo/cluster/main.js", import.meta.url));

type Ran = { code: number | null; stdout: string; stderr: string; pid: number; tmp: string };

/** Runs the demo with its own TMPDIR; `whileRunning` may signal it. */
function runDemo(
  env: Record<string, string> = {},
  whileRunning?: (pid: number, stdout: () => string) => void,
): Promise<Ran> {
  const tmp = tempDir("demo-cluster-tmp");
  const child = spawn(process.execPath, [DEMO], {
    env: hermeticEnv({ TMPDIR: tmp, ...env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  atTeardown("the cluster demo", () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  whileRunning?.(child.pid!, () => stdout);
  return new Promise((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr, pid: child.pid!, tmp })),
  );
}

/** What the demo left: processes carrying its mark, and entries of its TMPDIR. */
const leftBehind = (ran: Ran) => ({
  processes: processesMarked(`CODEX_ACTORS_DEMO=${ran.pid}`),
  files: readdirSync(ran.tmp),
});

describe("npm run demo:cluster", () => {
  it(
    "kills one worker mid-turn, reports how that turn ended, the other worker completes every other turn, and nothing is left",
    async () => {
      const ran = await runDemo();
      expect({ code: ran.code, stderr: ran.stderr }).toEqual({ code: 0, stderr: "" });

      const lines = ran.stdout.split("\n");
      const killAt = lines.findIndex((line) => /SIGKILL worker [AB] \(pid \d+\)/.test(line));
      expect(lines[killAt]).toMatch(/and its codex, in the middle of thread 1, turn 2$/);
      const killed = /SIGKILL worker ([AB])/.exec(lines[killAt]!)![1]!;
      const survivor = killed === "A" ? "B" : "A";
      // Today TurnLostError; once a turn lost before any side effect is re-run, "completed on
      // re-run" on the survivor. Either is what the demo must say plainly.
      expect(ran.stdout).toMatch(
        new RegExp(
          `(✓ thread 1, turn 2: completed on re-run \\(worker ${survivor}\\)|` +
            "✗ thread 1, turn 2: [A-Za-z]+Error: .+)",
        ),
      );
      const afterKill = lines.slice(killAt + 1).filter((line) => /✓ thread \d, turn \d/.test(line));
      expect(afterKill.length).toBeGreaterThan(0);
      for (const line of afterKill) expect(line).toContain(`(worker ${survivor})`);
      expect(ran.stdout).toMatch(/\n8 of 8 other turns completed \(worker A \d, worker B \d\)/);
      expect(ran.stdout).toMatch(/nothing left running\n$/);
      expect(leftBehind(ran)).toEqual({ processes: [], files: [] });
    },
    scaled(120_000),
  );

  it(
    "on Ctrl-C (SIGINT) mid-run: stops, tears everything down, exits 130",
    async () => {
      const ran = await runDemo({}, (pid, stdout) => {
        const poll = setInterval(() => {
          if (!/✓ thread \d, turn 1/.test(stdout())) return;
          clearInterval(poll);
          process.kill(pid, "SIGINT");
        }, 50);
        atTeardown("the demo's poll", () => clearInterval(poll));
      });
      expect(ran.code).toBe(130);
      expect(ran.stderr).toContain("SIGINT: stopping");
      expect(ran.stdout).toMatch(/nothing left running\n$/);
      expect(leftBehind(ran)).toEqual({ processes: [], files: [] });
    },
    scaled(120_000),
  );

  it(
    "without redis-server on PATH: exits 1 naming the Debian package",
    async () => {
      const ran = await runDemo({ PATH: "/nonexistent" });
      expect(ran.code).toBe(1);
      expect(ran.stderr).toContain(
        "redis-server is not installed: the cluster demo starts one of its own. Install the Debian " +
          "package `redis-server` (apt-get install redis-server)",
      );
      expect(leftBehind(ran)).toEqual({ processes: [], files: [] });
    },
    scaled(30_000),
  );
});
