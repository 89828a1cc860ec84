import { describe, expect, it } from "@jest/globals";
import path from "node:path";
import {
  CodexConfigError,
  type CodexOptions,
  type Input,
  type ThreadOptions,
  type TurnOptions,
} from "../src/index.js";
import { message, reply } from "../src/model-stand-in/index.js";
import { pidRecorder } from "./support/processes.js";
import { realCodex } from "./support/real-codex.js";

/** Something the real binary refuses before `turn.started`, and the line it says so in. */
type Refusal = {
  label: string;
  codex?: CodexOptions;
  thread?: ThreadOptions;
  turn?: TurnOptions;
  input?: Input;
  resumeId?: string;
  line: RegExp;
};

const REFUSALS: Refusal[] = [
  {
    label: "a retired approval policy",
    thread: { approvalPolicy: "untrusted" },
    line: /approval_policy = "untrusted" is no longer supported/,
  },
  {
    label: "a sandbox mode it does not know",
    thread: { sandboxMode: "bogus" as never },
    line: /^error: invalid value 'bogus' for '--sandbox/,
  },
  {
    label: "a cyberAccessProgram it does not know",
    turn: { cyberAccessProgram: "bogus" as never },
    line: /^error: invalid value 'bogus' for '--cyber-access-program/,
  },
  {
    label: "a model that reads as a flag",
    thread: { model: "-x" },
    line: /^error: unexpected argument '-x'/,
  },
  {
    label: "a raw override without '='",
    codex: { configOverrides: ["foo"] },
    line: /^Error parsing -c overrides/,
  },
  {
    label: "a provider that does not exist",
    codex: { configOverrides: ['model_provider="nope"'] },
    line: /Model provider `nope` not found/,
  },
  {
    label: "an unknown resume id",
    resumeId: "019a0000-0000-7000-8000-000000000000",
    line: /no rollout found for thread id/,
  },
  {
    label: "a working directory that does not exist",
    thread: { workingDirectory: path.join("/nonexistent", "codex-actors") },
    line: /^Error: No such file or directory/,
  },
  {
    label: "a prompt over the input limit",
    input: "a".repeat(1_100_000),
    line: /Input exceeds the maximum length/,
  },
];

describe("the real binary refusing to start a turn", () => {
  it.each(REFUSALS)(
    "$label: one process, CodexConfigError with the binary's line, even under restart: permanent",
    async (refusal) => {
      const rig = await realCodex([reply(message("never"))]);
      const recorder = pidRecorder();
      const codex = rig.makeCodex({
        supervision: { restart: "permanent", backoff: { initialMs: 10, jitter: false } },
        inspect: recorder.inspect,
        ...refusal.codex,
      });
      const threadOptions: ThreadOptions = {
        skipGitRepoCheck: true,
        workingDirectory: rig.workdir,
        ...refusal.thread,
      };
      const thread = refusal.resumeId
        ? codex.resumeThread(refusal.resumeId, threadOptions)
        : codex.startThread(threadOptions);
      const error = await thread.run(refusal.input ?? "hi", refusal.turn).catch((e: unknown) => e);
      expect(error).toMatchObject({
        name: "CodexConfigError",
        kind: "configuration",
        refusal: expect.stringMatching(refusal.line),
        notRetried: expect.stringContaining("configuration"),
      });
      expect(recorder.pids.size).toBe(1);
      expect(rig.standIn.requests).toHaveLength(0);
    },
  );
});

/** What the app-server refuses at a turn's start, as exec does: the same error, never restarted. */
const APP_SERVER_REFUSALS: Refusal[] = [
  REFUSALS.find(({ label }) => label === "an unknown resume id")!,
  REFUSALS.find(({ label }) => label === "a prompt over the input limit")!,
  {
    label: "a sandbox mode it does not know",
    thread: { sandboxMode: "bogus" as never },
    line: /unknown variant `bogus`/,
  },
];

describe("the real app-server refusing to start a turn", () => {
  it.each(APP_SERVER_REFUSALS)(
    "$label: CodexConfigError with the server's words, one server, no model request, even under restart: permanent",
    async (refusal) => {
      const rig = await realCodex([reply(message("never"))]);
      const recorder = pidRecorder();
      const codex = rig.makeCodex({
        transport: "app-server",
        supervision: { restart: "permanent", backoff: { initialMs: 10, jitter: false } },
        inspect: recorder.inspect,
      });
      const threadOptions: ThreadOptions = {
        skipGitRepoCheck: true,
        workingDirectory: rig.workdir,
        ...refusal.thread,
      };
      const thread = refusal.resumeId
        ? codex.resumeThread(refusal.resumeId, threadOptions)
        : codex.startThread(threadOptions);
      const error = await thread.run(refusal.input ?? "hi").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CodexConfigError);
      expect(error).toMatchObject({
        name: "CodexConfigError",
        kind: "configuration",
        refusal: expect.stringMatching(refusal.line),
        notRetried: expect.stringContaining("configuration"),
      });
      expect(recorder.pids.size).toBe(1);
      expect(codex.getSnapshot().server).toMatchObject({ restarts: 0 });
      expect(rig.standIn.requests).toHaveLength(0);
    },
  );
});
