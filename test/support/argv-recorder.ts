import { afterAll, beforeAll } from "@jest/globals";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Codex } from "../../src/index.js";
import type { CodexOptions, Input, ThreadOptions, TurnOptions } from "../../src/types/options.js";

/** What one run of the recorder saw: its argv, stdin, a few env vars, the output schema file. */
export type Recording = {
  argv: string[];
  stdin: string;
  env: Record<string, string | null>;
  /** The parsed content of the `--output-schema` file, read while the turn ran. */
  schema?: unknown;
};

/** The env vars the recorder reports (null when unset). */
export const RECORDED_ENV = [
  "CODEX_API_KEY",
  "CODEX_INTERNAL_ORIGINATOR_OVERRIDE",
  "HOME",
  "PATH",
  "CODEX_ACTORS_PROBE",
] as const;

/** The recorder's final response: JSON, so that it also satisfies an `{answer: string}` schema. */
export const RECORDED_RESPONSE = '{"answer":"recorded"}';

/** The one successful turn the recorder prints. */
export const RECORDED_TURN = [
  { type: "thread.started", thread_id: "t-1" },
  { type: "turn.started" },
  {
    type: "item.completed",
    item: { id: "item_0", type: "agent_message", text: RECORDED_RESPONSE },
  },
  {
    type: "turn.completed",
    usage: {
      input_tokens: 3,
      cached_input_tokens: 1,
      cache_write_input_tokens: 0,
      output_tokens: 2,
      reasoning_output_tokens: 0,
    },
  },
];

const SCRIPT = (recordFile: string) => `#!/usr/bin/env node
const fs = require("node:fs");
const argv = process.argv.slice(2);
const chunks = [];
process.stdin.on("data", (chunk) => chunks.push(chunk));
process.stdin.on("end", () => {
  const at = argv.indexOf("--output-schema");
  const schema = at === -1 ? undefined : JSON.parse(fs.readFileSync(argv[at + 1], "utf8"));
  const env = {};
  for (const key of ${JSON.stringify(RECORDED_ENV)}) env[key] = process.env[key] ?? null;
  const stdin = Buffer.concat(chunks).toString("utf8");
  fs.appendFileSync(${JSON.stringify(recordFile)}, JSON.stringify({ argv, stdin, env, schema }) + "\\n");
  for (const event of ${JSON.stringify(RECORDED_TURN)}) process.stdout.write(JSON.stringify(event) + "\\n");
});
`;

/** A fake `codex` that records how it was called and prints one successful turn. */
export class ArgvRecorder {
  readonly executable: string;
  private readonly dir = mkdtempSync(path.join(tmpdir(), "codex-actors-argv-"));
  private readonly recordFile = path.join(this.dir, "record.jsonl");

  constructor() {
    this.executable = path.join(this.dir, "codex-recorder");
    writeFileSync(this.executable, SCRIPT(this.recordFile));
    chmodSync(this.executable, 0o755);
  }

  /** The recordings since the last call, oldest first. */
  take(): Recording[] {
    let text = "";
    try {
      text = readFileSync(this.recordFile, "utf8");
    } catch {
      return [];
    }
    rmSync(this.recordFile, { force: true });
    return text
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Recording);
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** One scenario run by both SDKs: options, then `turns` runs of `input` on one thread. */
export type Scenario = {
  codex?: CodexOptions;
  thread?: ThreadOptions;
  turn?: TurnOptions;
  input?: Input;
  /** Resume this thread instead of starting one. */
  resumeId?: string;
  /** How many turns to run on the thread (1 by default). */
  turns?: number;
};

type SdkCodex = {
  startThread(options?: ThreadOptions): SdkThread;
  resumeThread(id: string, options?: ThreadOptions): SdkThread;
};
type SdkThread = { run(input: Input, options?: TurnOptions): Promise<{ finalResponse: string }> };

/** Runs the scenario with one SDK's `Codex` over the recorder and returns what it recorded. */
export async function record(
  recorder: ArgvRecorder,
  makeCodex: (options: CodexOptions) => SdkCodex,
  scenario: Scenario,
): Promise<Recording[]> {
  recorder.take();
  const codex = makeCodex({ ...scenario.codex, codexPathOverride: recorder.executable });
  const thread = scenario.resumeId
    ? codex.resumeThread(scenario.resumeId, scenario.thread)
    : codex.startThread(scenario.thread);
  for (let turn = 0; turn < (scenario.turns ?? 1); turn++) {
    const { finalResponse } = await thread.run(scenario.input ?? "hello", scenario.turn);
    if (finalResponse !== RECORDED_RESPONSE)
      throw new Error(`unexpected response ${finalResponse}`);
  }
  return recorder.take();
}

/** Our `Codex`, for `record`. */
export const ourCodex = (options: CodexOptions): SdkCodex => new Codex(options);

/** The official SDK's `Codex`, for `record`. */
export async function officialCodex(): Promise<(options: CodexOptions) => SdkCodex> {
  const official = await import("@openai/codex-sdk");
  return (options) => new official.Codex(options as never) as unknown as SdkCodex;
}

/** A recorder and the official SDK for one `describe` block, set up before its tests, closed after. */
export function recorderFixture(): {
  recorder: ArgvRecorder;
  official: (options: CodexOptions) => SdkCodex;
} {
  const fixture = {} as ReturnType<typeof recorderFixture>;
  beforeAll(async () => {
    fixture.recorder = new ArgvRecorder();
    fixture.official = await officialCodex();
  });
  afterAll(() => fixture.recorder.close());
  return fixture;
}

/** The argv with the `--output-schema` temp path (which differs per SDK) as a placeholder. */
export function withSchemaPlaceholder(argv: string[]): string[] {
  return argv.map((arg, index) => (argv[index - 1] === "--output-schema" ? "<schema>" : arg));
}
