import { Codex } from "../../src/index.js";
import {
  MOCK_CODEX_SCRIPT,
  mockCodex as kitMockCodex,
  type MockCodexRun,
  type MockCodexScenario,
} from "../../src/testing/mock-codex-rig.js";
import type { CodexOptions } from "../../src/types/options.js";
import { hermeticEnv } from "./hermetic-env.js";
import { atTeardown } from "./rig-registry.js";

/** The scenario-driven fake CLI: the one `codex-actors/testing` ships. */
export const MOCK_CODEX = MOCK_CODEX_SCRIPT;

/** A mock-codex step, loosely typed (see `MockCodexStep` in src/testing/mock-codex-rig.ts). */
export type MockStep = Record<string, unknown>;

/** A `Codex` over mock-codex with a scenario, plus the files it records into. */
export type MockCodexRig = {
  codex: Codex;
  /** One entry per mock-codex run (argv, stdin, pid) and per child it spawned. */
  records: () => MockCodexRun[];
  progressFile: string;
  /** Tears the rig down now (shutdown, folder removed); after each test it happens anyway. */
  close: () => Promise<void>;
};

/**
 * Starts nothing yet: returns a `Codex` whose turns run the kit's mock-codex with `scenario`, in
 * an environment built from scratch (with the run's marker). The rig is torn down after the
 * test, whatever its outcome.
 */
export function mockCodex(
  scenario: MockStep[] | { attempts: MockStep[][] },
  options: CodexOptions = {},
): MockCodexRig {
  const mock = kitMockCodex(scenario as MockCodexScenario, { env: hermeticEnv() });
  const removeMock = atTeardown("the mock-codex folder", () => mock.close());
  const codex = new Codex({ ...mock.codexOptions, ...options });
  const shutdown = atTeardown("a mock-codex Codex", () => codex.shutdown({ timeoutMs: 0 }));
  return {
    codex,
    progressFile: mock.progressFile,
    records: mock.runs,
    close: async () => {
      await shutdown();
      await removeMock();
    },
  };
}
