import { chmodSync, copyFileSync, readFileSync } from "node:fs";
import path from "node:path";
import { libraryFile } from "../library-files.js";
import { hermeticHome } from "./hermetic-home.js";
import { killMarked } from "./processes.js";

/** The scenario-driven fake `codex` CLI's script (shipped beside this module). */
export const MOCK_CODEX_SCRIPT = libraryFile("testing", "mock-codex.mjs");

/** One thing mock-codex does, in order. */
export type MockCodexStep =
  /** A whole successful turn whose final response is `turn`. */
  | { turn: string }
  /** `thread.started`, with the resumed thread's id or a new one. */
  | { threadStarted: true }
  /** One event, as a JSON line. */
  | { emit: Record<string, unknown> }
  /** Raw text on stdout: garbage, a partial line. */
  | { line: string }
  | { delayMs: number }
  | { stderr: string }
  /** `count` `item.completed` events of `bytes` bytes of output each, honouring backpressure. */
  | { flood: { count: number; bytes?: number } }
  /**
   * Starts a child process: in codex's process group, or (`own`) in a group or session of its
   * own; with `holdStdout` it inherits codex's stdout, which then stays open while it runs.
   */
  | { spawn: string[]; own?: "group" | "session"; holdStdout?: boolean }
  /** Never ends. */
  | { hang: true }
  | { exit: number }
  | { signal: NodeJS.Signals };

/** Steps for every run, or a list per run (`attempts`; the last one repeats). */
export type MockCodexScenario = MockCodexStep[] | { attempts: MockCodexStep[][] };

/** Where in a turn a scenario of {@link mockScenario} acts. */
export type MockCodexPhase =
  "before-thread-started" | "after-thread-started" | "after-turn-started";

const upTo = (phase: MockCodexPhase): MockCodexStep[] =>
  phase === "before-thread-started"
    ? []
    : phase === "after-thread-started"
      ? [{ threadStarted: true }]
      : [{ threadStarted: true }, { emit: { type: "turn.started" } }];

/** Typed scenarios for what the real binary cannot be made to do on demand. */
export const mockScenario = {
  /** A successful turn answering `text`. */
  completes: (text = "ok"): MockCodexStep[] => [{ turn: text }],
  /** Exits with `code` at `phase`. */
  crashAt: (phase: MockCodexPhase, code = 1): MockCodexStep[] => [...upTo(phase), { exit: code }],
  /** Kills itself with `signal` at `phase`. */
  signalAt: (phase: MockCodexPhase, signal: NodeJS.Signals = "SIGKILL"): MockCodexStep[] => [
    ...upTo(phase),
    { signal },
  ],
  /** Prints `line` (not JSON) once the turn started, then hangs. */
  garbage: (line = "thread 'main' panicked\n"): MockCodexStep[] => [
    ...upTo("after-turn-started"),
    { line },
    { hang: true },
  ],
  /** Prints `count` command items of `bytes` bytes each, then completes the turn. */
  flood: (count: number, bytes = 100): MockCodexStep[] => [
    ...upTo("after-turn-started"),
    { flood: { count, bytes } },
    {
      emit: {
        type: "turn.completed",
        usage: { input_tokens: 1, cached_input_tokens: 0, output_tokens: 1 },
      },
    },
  ],
  /** Goes silent at `phase` and never ends. */
  hangAt: (phase: MockCodexPhase): MockCodexStep[] => [...upTo(phase), { hang: true }],
  /** Fails the first `failures` runs with `failing`, then runs `then` (for restarts). */
  failingFirst: (failures: number, failing: MockCodexStep[], then: MockCodexStep[]) => ({
    attempts: [...Array.from({ length: failures }, () => failing), then],
  }),
};

/** One mock-codex run as recorded (argv, stdin, pid), or a child it spawned. */
export type MockCodexRun = {
  argv?: string[];
  stdin?: string;
  pid?: number;
  spawned?: number;
  /** The `TRACEPARENT` / `TRACESTATE` the run was given, or null. */
  traceparent?: string | null;
  tracestate?: string | null;
};

/** A mock-codex set-up: what to spread into `new Codex({...})`, what it recorded, `close()`. */
export type RunningMockCodex = {
  /** `new Codex({ ...mock.codexOptions })`: turns run mock-codex in an environment built from scratch. */
  codexOptions: { codexPathOverride: string; env: Record<string, string> };
  /** The environment mock-codex runs in. */
  env: Record<string, string>;
  /** An empty working folder for the threads. */
  workdir: string;
  /** One entry per run (argv, stdin, pid) and per child a run spawned, in order. */
  runs: () => MockCodexRun[];
  /** A file holding how many events a `flood` wrote so far. */
  progressFile: string;
  /** Kills whatever its runs left running and removes its folder. Shut your `Codex` down first. */
  close: () => Promise<void>;
};

/**
 * Sets up the scenario-driven fake `codex` CLI (nothing starts until a turn runs): for crashes
 * at a chosen phase, signals, garbage lines, floods and hangs — what the real binary cannot do on
 * demand. Prefer {@link startModelStandIn} (the real binary) for everything else.
 */
export function mockCodex(
  scenario: MockCodexScenario,
  options: { env?: Record<string, string> } = {},
): RunningMockCodex {
  const folders = hermeticHome("mock-codex", options.env);
  // A copy of its own, executable whatever mode the installed file has.
  const script = path.join(folders.root, "mock-codex.mjs");
  copyFileSync(MOCK_CODEX_SCRIPT, script);
  chmodSync(script, 0o755);
  const recordFile = path.join(folders.root, "record.jsonl");
  const progressFile = path.join(folders.root, "progress");
  const env = {
    ...folders.env,
    MOCK_CODEX_SCENARIO: JSON.stringify(scenario),
    MOCK_CODEX_STATE: path.join(folders.root, "state"),
    MOCK_CODEX_RECORD: recordFile,
    MOCK_CODEX_PROGRESS: progressFile,
  };
  return {
    codexOptions: { codexPathOverride: script, env },
    env,
    workdir: folders.workdir,
    progressFile,
    runs: () => {
      try {
        return readFileSync(recordFile, "utf8")
          .split("\n")
          .filter(Boolean)
          .map((line) => JSON.parse(line) as MockCodexRun);
      } catch {
        return [];
      }
    },
    close: async () => {
      killMarked(folders.marker);
      folders.remove();
    },
  };
}
