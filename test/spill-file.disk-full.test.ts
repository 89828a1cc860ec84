import { describe, expect, it } from "@jest/globals";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { hermeticEnv } from "./support/hermetic-env.js";

// A spill file on a disk that fills up: a child process whose file-size limit (`ulimit -f`, so
// every write past 64 KiB fails with EFBIG, as on a full disk) keeps 1 MiB of lines. Nothing may
// be lost or reordered, and nothing may be left in the folder.

const ESBUILD = fileURLToPath(new URL("../node_modules/.bin/esbuild", import.meta.url));
const SPILL_FILE = fileURLToPath(new URL("../src/process/spill-file.ts", import.meta.url));

const PROGRAM = `
import { fstatSync, readdirSync, readlinkSync } from "node:fs";
import { SpillFile } from "./spill-file.mjs";
const spill = new SpillFile(process.argv[2]);
const lines = Array.from({ length: 8192 }, (_, i) => i + ":" + "x".repeat(120));
for (const line of lines) spill.push(line);
// How much reached the (unlinked) file: the disk took no more than the limit.
const fd = readdirSync("/proc/self/fd").find((n) => readlinkSync("/proc/self/fd/" + n).includes("codex-actors-events-"));
const onDisk = fstatSync(Number(fd)).size;
const back = [];
for (let line = spill.shift(); line !== undefined; line = spill.shift()) back.push(line);
spill.close();
console.log(JSON.stringify({ onDisk, back: back.length, inOrder: back.every((l, i) => l === lines[i]) }));
`;

describe("a spill file on a full disk", () => {
  it("keeps what the disk refuses in memory: every line comes back, in order, and no file is left", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "codex-actors-spill-full-"));
    try {
      // esbuild's command (its API would leave its service process running).
      const built = spawnSync(
        ESBUILD,
        [SPILL_FILE, "--format=esm", "--platform=node", `--outfile=${dir}/spill-file.mjs`],
        { env: hermeticEnv(), encoding: "utf8", timeout: 30_000 },
      );
      expect(built.status).toBe(0);
      writeFileSync(path.join(dir, "program.mjs"), PROGRAM);
      const spillDir = path.join(dir, "spill");
      mkdirSync(spillDir);
      const run = spawnSync(
        "/bin/sh",
        ["-c", 'ulimit -f 128 && exec "$0" program.mjs "$1"', process.execPath, spillDir],
        { cwd: dir, env: hermeticEnv(), encoding: "utf8", timeout: 30_000 },
      );
      expect(run.stderr).toBe("");
      const report = JSON.parse(run.stdout) as { onDisk: number; back: number; inOrder: boolean };
      expect(report.onDisk).toBeLessThanOrEqual(128 * 512);
      expect(report).toMatchObject({ back: 8192, inOrder: true });
      expect(readdirSync(spillDir)).toEqual([]);
    } finally {
      rmSync(dir, { force: true, recursive: true });
    }
  });
});
