import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Codex } from "../../src/index.js";
import type { CodexOptions } from "../../src/types/options.js";

/** The scenario-driven fake CLI. */
export const MOCK_CODEX = fileURLToPath(
  new URL("../../scripts/mock-codex/mock-codex.mjs", import.meta.url),
);

/** A mock-codex step (see scripts/mock-codex/README.md). */
export type MockStep = Record<string, unknown>;

/** A `Codex` over mock-codex with a scenario, plus the files it records into. */
export type MockCodexRig = {
  codex: Codex;
  /** One entry per mock-codex run (argv, stdin, pid) and per child it spawned. */
  records: () => Array<{ argv?: string[]; stdin?: string; pid?: number; spawned?: number }>;
  progressFile: string;
  close: () => void;
};

/** Starts nothing yet: returns a `Codex` whose turns run mock-codex with `scenario`. */
export function mockCodex(
  scenario: MockStep[] | { attempts: MockStep[][] },
  options: CodexOptions = {},
): MockCodexRig {
  const dir = mkdtempSync(path.join(tmpdir(), "codex-actors-mock-"));
  const recordFile = path.join(dir, "record.jsonl");
  const progressFile = path.join(dir, "progress");
  const codex = new Codex({
    codexPathOverride: MOCK_CODEX,
    env: {
      PATH: process.env.PATH ?? "",
      MOCK_CODEX_SCENARIO: JSON.stringify(scenario),
      MOCK_CODEX_STATE: path.join(dir, "state"),
      MOCK_CODEX_RECORD: recordFile,
      MOCK_CODEX_PROGRESS: progressFile,
    },
    ...options,
  });
  return {
    codex,
    progressFile,
    records: () => {
      try {
        return readFileSync(recordFile, "utf8")
          .trim()
          .split("\n")
          .filter(Boolean)
          .map((line) => JSON.parse(line));
      } catch {
        return [];
      }
    },
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}
