import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Codex } from "../../src/index.js";
import type { CodexOptions } from "../../src/types/options.js";
import { hermeticEnv } from "./hermetic-env.js";
import { atTeardown } from "./rig-registry.js";

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
  records: () => Array<{
    argv?: string[];
    stdin?: string;
    pid?: number;
    spawned?: number;
    traceparent?: string | null;
    tracestate?: string | null;
  }>;
  progressFile: string;
  /** Tears the rig down now (shutdown, folder removed); after each test it happens anyway. */
  close: () => Promise<void>;
};

/**
 * Starts nothing yet: returns a `Codex` whose turns run mock-codex with `scenario`, in an
 * environment built from scratch. The rig is torn down after the test, whatever its outcome.
 */
export function mockCodex(
  scenario: MockStep[] | { attempts: MockStep[][] },
  options: CodexOptions = {},
): MockCodexRig {
  const dir = mkdtempSync(path.join(tmpdir(), "codex-actors-mock-"));
  const removeDir = atTeardown(`the folder ${dir}`, () =>
    rmSync(dir, { recursive: true, force: true }),
  );
  const recordFile = path.join(dir, "record.jsonl");
  const progressFile = path.join(dir, "progress");
  const codex = new Codex({
    codexPathOverride: MOCK_CODEX,
    env: hermeticEnv({
      MOCK_CODEX_SCENARIO: JSON.stringify(scenario),
      MOCK_CODEX_STATE: path.join(dir, "state"),
      MOCK_CODEX_RECORD: recordFile,
      MOCK_CODEX_PROGRESS: progressFile,
    }),
    ...options,
  });
  const shutdown = atTeardown("a mock-codex Codex", () => codex.shutdown({ timeoutMs: 0 }));
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
    close: async () => {
      await shutdown();
      await removeDir();
    },
  };
}
