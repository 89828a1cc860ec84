import { afterEach, describe, expect, it } from "@jest/globals";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { eventually, isAlive } from "./support/processes.js";
import { MOCK_CODEX } from "./support/mock-codex.js";
import { atTeardown, tempDir } from "./support/rig-registry.js";

const HOST = fileURLToPath(new URL("./fixtures/mock-host.mjs", import.meta.url));

let left: number[] = [];
afterEach(() => {
  for (const pid of left) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone, as it should be
    }
  }
  left = [];
});

/** Runs the host until it dies its way; returns codex's pid and the command codex started. */
async function hostDies(ending: "process-exit" | "throw", command: string[]) {
  const dir = tempDir("host");
  const record = path.join(dir, "record.jsonl");
  const scenario = JSON.stringify([
    { threadStarted: true },
    { spawn: command, own: "session" },
    { hang: true },
  ]);
  const host = spawn(process.execPath, [HOST, MOCK_CODEX, scenario, record, ending], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  atTeardown("the mock host", () => host.kill("SIGKILL"));
  let output = "";
  host.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => host.on("exit", resolve));
  const { codexPid } = JSON.parse(output) as { codexPid: number };
  const [child] = readFileSync(record, "utf8")
    .trim()
    .split("\n")
    .map((line) => (JSON.parse(line) as { spawned?: number }).spawned)
    .filter((pid): pid is number => pid !== undefined);
  left = [codexPid, child!];
  return { code, codexPid, child: child! };
}

describe("the host dies mid-turn without killing its codex first", () => {
  it("process.exit(): codex and the command it started in a session of its own die within 3 s", async () => {
    const { code, codexPid, child } = await hostDies("process-exit", ["sleep", "321.5"]);
    expect(code).toBe(0);
    await eventually(
      () => !isAlive(codexPid) && !isAlive(child),
      "codex and its command to die",
      3_000,
    );
  });

  it("an uncaught exception: codex and the command it started in a session of its own die within 3 s", async () => {
    const { code, codexPid, child } = await hostDies("throw", ["sleep", "322.5"]);
    expect(code).toBe(1);
    await eventually(
      () => !isAlive(codexPid) && !isAlive(child),
      "codex and its command to die",
      3_000,
    );
  });

  it("a command that ignores SIGTERM is SIGKILLed by the sentinel once the host is gone", async () => {
    const stubborn = ["perl", "-e", "$SIG{TERM} = 'IGNORE'; sleep 323.5"];
    const { codexPid, child } = await hostDies("process-exit", stubborn);
    await eventually(
      () => !isAlive(codexPid) && !isAlive(child),
      "codex and its command to die",
      3_000,
    );
  });
});
