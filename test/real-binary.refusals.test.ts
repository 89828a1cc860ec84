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
  /** The transport, when not exec. */
  transport?: "app-server";
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

/** What the app-server refuses at a turn's start as exec does: the same error, never restarted. */
const ON_APP_SERVER: Refusal[] = [
  ...REFUSALS.filter(({ label }) => /resume id|input limit/.test(label)),
  {
    label: "a sandbox mode it does not know",
    thread: { sandboxMode: "bogus" as never },
    line: /unknown variant `bogus`/,
  },
].map((refusal) => ({
  ...refusal,
  label: `app-server, ${refusal.label}`,
  transport: "app-server",
}));

describe("the real binary refusing to start a turn", () => {
  it.each([...REFUSALS, ...ON_APP_SERVER])(
    "$label: one process, CodexConfigError with the binary's line, even under restart: permanent",
    async (refusal) => {
      const rig = await realCodex([reply(message("never"))]);
      const recorder = pidRecorder();
      const codex = rig.makeCodex({
        transport: refusal.transport,
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
      expect(error).toBeInstanceOf(CodexConfigError);
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
