import { describe, expect, it } from "@jest/globals";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { MOCK_CODEX } from "./support/mock-codex.js";

const HOST = fileURLToPath(new URL("./fixtures/stalled-stream-host.mjs", import.meta.url));

type Report = {
  warnings: Array<{ code: string; message: string; detail: string }>;
  items?: number;
  next?: string;
};

/** Runs the host (a process of its own: warnings go to the real `process`) and parses its report. */
async function host(warnAfter: string, mode: "stall" | "read", stallMs = 0): Promise<Report> {
  const dir = mkdtempSync(path.join(tmpdir(), "codex-actors-stalled-"));
  try {
    const args = [HOST, MOCK_CODEX, path.join(dir, "state"), warnAfter, mode, String(stallMs)];
    const { stdout } = await promisify(execFile)(process.execPath, args, { timeout: 25_000 });
    const lines = stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const report: Report = { warnings: [] };
    for (const line of lines) {
      if (line.warning) report.warnings.push(line.warning as Report["warnings"][number]);
      else Object.assign(report, line);
    }
    return report;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("a turn queued behind a stream nobody reads", () => {
  it("emits one CODEX_ACTORS_STALLED_STREAM warning naming the fix; reading on lets both finish", async () => {
    const report = await host("300", "stall", 2_000);
    expect(report.warnings).toEqual([
      {
        code: "CODEX_ACTORS_STALLED_STREAM",
        message: expect.stringContaining("nobody has read for 300 ms"),
        detail: expect.stringContaining("Read the streamed turn's events to the end"),
      },
    ]);
    expect(report.items).toBe(5_001); // the flood, and the answer
    expect(report.next).toBe("short");
  });

  it("stays silent while the stream is read", async () => {
    expect(await host("300", "read")).toEqual({ warnings: [], items: 5_001, next: "short" });
  });

  it("stays silent with stalledStreamWarningMs: false", async () => {
    expect(await host("false", "stall", 1_000)).toEqual({
      warnings: [],
      items: 5_001,
      next: "short",
    });
  });
});
