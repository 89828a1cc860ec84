import { describe, expect, it } from "@jest/globals";
import { globalConfigFlags } from "../src/process/toml-config.js";
import { checkThreadId } from "../src/option-values.js";
import { buildExecArgv, type ExecArgs } from "../src/transports/exec/argv.js";
import { Codex } from "../src/index.js";
import { InvalidOptionError } from "../src/types/errors.js";
import type { ModelReasoningEffort, ThreadOptions } from "../src/types/options.js";
import {
  ourCodex,
  record,
  recorderFixture,
  withSchemaPlaceholder,
  type Scenario,
} from "./support/argv-recorder.js";

const EXEC = ["exec", "--experimental-json"];

/** The argv of a new thread's turn with these thread options and nothing else. */
const argvOf = (thread: ThreadOptions, extra: Partial<ExecArgs> = {}) =>
  buildExecArgv({ globalFlags: [], thread, turn: {}, threadId: null, images: [], ...extra });

describe("buildExecArgv: one flag per option", () => {
  it("starts every turn with exec --experimental-json and nothing else by default", () => {
    expect(argvOf({})).toEqual(EXEC);
  });

  it.each<[string, ThreadOptions, string[]]>([
    ["model", { model: "gpt-5.5" }, ["--model", "gpt-5.5"]],
    ["threadSource", { threadSource: "cli" }, ["--thread-source", "cli"]],
    ["sandboxMode read-only", { sandboxMode: "read-only" }, ["--sandbox", "read-only"]],
    [
      "sandboxMode workspace-write",
      { sandboxMode: "workspace-write" },
      ["--sandbox", "workspace-write"],
    ],
    [
      "sandboxMode danger-full-access",
      { sandboxMode: "danger-full-access" },
      ["--sandbox", "danger-full-access"],
    ],
    ["workingDirectory", { workingDirectory: "/work/my repo" }, ["--cd", "/work/my repo"]],
    [
      "additionalDirectories",
      { additionalDirectories: ["/a", "/b c"] },
      ["--add-dir", "/a", "--add-dir", "/b c"],
    ],
    ["skipGitRepoCheck", { skipGitRepoCheck: true }, ["--skip-git-repo-check"]],
    [
      "networkAccessEnabled true",
      { networkAccessEnabled: true },
      ["--config", "sandbox_workspace_write.network_access=true"],
    ],
    [
      "networkAccessEnabled false",
      { networkAccessEnabled: false },
      ["--config", "sandbox_workspace_write.network_access=false"],
    ],
    [
      "webSearchMode disabled",
      { webSearchMode: "disabled" },
      ["--config", 'web_search="disabled"'],
    ],
    ["webSearchMode cached", { webSearchMode: "cached" }, ["--config", 'web_search="cached"']],
    ["webSearchMode live", { webSearchMode: "live" }, ["--config", 'web_search="live"']],
    ["webSearchEnabled true", { webSearchEnabled: true }, ["--config", 'web_search="live"']],
    ["webSearchEnabled false", { webSearchEnabled: false }, ["--config", 'web_search="disabled"']],
    [
      "webSearchMode over webSearchEnabled",
      { webSearchMode: "cached", webSearchEnabled: false },
      ["--config", 'web_search="cached"'],
    ],
    ["approvalPolicy never", { approvalPolicy: "never" }, ["--config", 'approval_policy="never"']],
    [
      "approvalPolicy on-request",
      { approvalPolicy: "on-request" },
      ["--config", 'approval_policy="on-request"'],
    ],
    [
      "approvalPolicy on-failure",
      { approvalPolicy: "on-failure" },
      ["--config", 'approval_policy="on-failure"'],
    ],
    [
      "approvalPolicy untrusted",
      { approvalPolicy: "untrusted" },
      ["--config", 'approval_policy="untrusted"'],
    ],
  ])("turns %s into its flag", (_option, thread, flags) => {
    expect(argvOf(thread)).toEqual([...EXEC, ...flags]);
  });

  it.each<[string, ThreadOptions]>([
    ["an empty model", { model: "" }],
    ["an empty workingDirectory", { workingDirectory: "" }],
    ["empty additionalDirectories", { additionalDirectories: [] }],
    ["skipGitRepoCheck false", { skipGitRepoCheck: false }],
    [
      "undefined options",
      { model: undefined, sandboxMode: undefined, webSearchEnabled: undefined },
    ],
  ])("passes no flag for %s", (_option, thread) => {
    expect(argvOf(thread)).toEqual(EXEC);
  });

  const EFFORTS: ModelReasoningEffort[] = [
    "minimal",
    "low",
    "medium",
    "high",
    "xhigh",
    "max",
    "ultra",
    "persistent",
  ];
  it.each(EFFORTS)("passes modelReasoningEffort %s as a quoted TOML string", (effort) => {
    expect(argvOf({ modelReasoningEffort: effort })).toEqual([
      ...EXEC,
      "--config",
      `model_reasoning_effort="${effort}"`,
    ]);
  });

  it("passes the output schema file and the cyber access program of the turn", () => {
    expect(
      argvOf(
        {},
        { outputSchemaPath: "/tmp/x/schema.json", turn: { cyberAccessProgram: "standard" } },
      ),
    ).toEqual([
      ...EXEC,
      "--output-schema",
      "/tmp/x/schema.json",
      "--cyber-access-program",
      "standard",
    ]);
  });

  it("passes every image with its own --image flag, in order", () => {
    expect(argvOf({}, { images: ["a.png", "/b/c d.jpg"] })).toEqual([
      ...EXEC,
      "--image",
      "a.png",
      "--image",
      "/b/c d.jpg",
    ]);
  });

  it("drops threadSource when resuming a thread", () => {
    expect(argvOf({ threadSource: "cli" }, { threadId: "t-1" })).toEqual([
      ...EXEC,
      "resume",
      "t-1",
    ]);
  });
});

describe("buildExecArgv: order", () => {
  const EVERYTHING: ThreadOptions = {
    model: "gpt-5.5",
    threadSource: "cli",
    sandboxMode: "workspace-write",
    workingDirectory: "/repo",
    additionalDirectories: ["/extra"],
    skipGitRepoCheck: true,
    modelReasoningEffort: "high",
    networkAccessEnabled: true,
    webSearchMode: "live",
    approvalPolicy: "never",
  };
  const GLOBAL = ["--config", 'model="from-config"', "--config", "raw=1"];
  const MODEL = ["--model", "gpt-5.5"];
  const AFTER_SOURCE = [
    "--sandbox",
    "workspace-write",
    "--cd",
    "/repo",
    "--add-dir",
    "/extra",
    "--skip-git-repo-check",
    "--output-schema",
    "/tmp/s.json",
    "--cyber-access-program",
    "daybreak_red",
    "--config",
    'model_reasoning_effort="high"',
    "--config",
    "sandbox_workspace_write.network_access=true",
    "--config",
    'web_search="live"',
    "--config",
    'approval_policy="never"',
  ];
  const all = (threadId: string | null): ExecArgs => ({
    globalFlags: GLOBAL,
    thread: EVERYTHING,
    turn: { cyberAccessProgram: "daybreak_red" },
    threadId,
    images: ["1.png", "2.png"],
    outputSchemaPath: "/tmp/s.json",
  });

  it("puts global config first, then thread flags, then images last for a new thread", () => {
    expect(buildExecArgv(all(null))).toEqual([
      ...EXEC,
      ...GLOBAL,
      ...MODEL,
      "--thread-source",
      "cli",
      ...AFTER_SOURCE,
      "--image",
      "1.png",
      "--image",
      "2.png",
    ]);
  });

  it("puts resume <id> after every flag and before the images", () => {
    expect(buildExecArgv(all("0199-abc"))).toEqual([
      ...EXEC,
      ...GLOBAL,
      ...MODEL,
      ...AFTER_SOURCE,
      "resume",
      "0199-abc",
      "--image",
      "1.png",
      "--image",
      "2.png",
    ]);
  });
});

describe("thread ids", () => {
  it.each(["t-1", "01a20c37-6e97-7821-a0c3-9d8b68bacc58", "a b"])("accepts %j", (id) => {
    expect(checkThreadId(id)).toBe(id);
  });

  it.each(["-h", "--model", "--", "-", "", "   "])(
    "rejects %j, which the CLI would not read as an id, with InvalidOptionError",
    (id) => {
      expect(() => checkThreadId(id)).toThrow(InvalidOptionError);
      expect(() => checkThreadId(id)).toThrow(/thread id/);
      expect(() => argvOf({}, { threadId: id })).toThrow(InvalidOptionError);
    },
  );

  it("rejects a flag-like id already in resumeThread, before any turn", () => {
    expect(() => new Codex({ codexPathOverride: "/nonexistent" }).resumeThread("--help")).toThrow(
      InvalidOptionError,
    );
  });
});

describe("globalConfigFlags", () => {
  it("is empty without config, overrides or baseUrl", () => {
    expect(globalConfigFlags({})).toEqual([]);
    expect(globalConfigFlags({ config: {}, configOverrides: [] })).toEqual([]);
  });

  it("passes config, then raw overrides unchanged, then baseUrl as a TOML string", () => {
    expect(
      globalConfigFlags({
        baseUrl: "http://127.0.0.1:8080/v1",
        configOverrides: ["model=gpt-5.5", "raw = not toml at all"],
        config: { a: { b: 1 }, c: "d" },
      }),
    ).toEqual([
      "--config",
      "a.b=1",
      "--config",
      'c="d"',
      "--config",
      "model=gpt-5.5",
      "--config",
      "raw = not toml at all",
      "--config",
      'openai_base_url="http://127.0.0.1:8080/v1"',
    ]);
  });

  it("escapes a baseUrl that holds quotes", () => {
    expect(globalConfigFlags({ baseUrl: 'http://x/"y"' })).toEqual([
      "--config",
      'openai_base_url="http://x/\\"y\\""',
    ]);
  });
});

describe("argv, stdin and env compared with the official SDK", () => {
  const fixture = recorderFixture();

  const probeEnv = { PATH: process.env.PATH ?? "", CODEX_ACTORS_PROBE: "probe" };
  const SCENARIOS: Array<[string, Scenario]> = [
    ["no options", {}],
    [
      "every thread option",
      {
        thread: {
          model: "gpt-5.5",
          threadSource: "sdk-test",
          sandboxMode: "workspace-write",
          workingDirectory: "/tmp/some dir",
          additionalDirectories: ["/a", "/b c"],
          skipGitRepoCheck: true,
          modelReasoningEffort: "xhigh",
          networkAccessEnabled: false,
          webSearchMode: "cached",
          approvalPolicy: "on-request",
        },
      },
    ],
    ["reasoning effort max", { thread: { modelReasoningEffort: "max" } }],
    ["reasoning effort ultra", { thread: { modelReasoningEffort: "ultra" } }],
    ["reasoning effort persistent", { thread: { modelReasoningEffort: "persistent" } }],
    ["webSearchEnabled true", { thread: { webSearchEnabled: true, networkAccessEnabled: true } }],
    ["webSearchEnabled false", { thread: { webSearchEnabled: false } }],
    [
      "webSearchMode beside webSearchEnabled",
      { thread: { webSearchMode: "live", webSearchEnabled: false } },
    ],
    ["empty strings", { thread: { model: "", workingDirectory: "", additionalDirectories: [] } }],
    [
      "config, configOverrides and baseUrl",
      {
        codex: {
          config: {
            model_provider: "stub",
            model_providers: {
              stub: {
                name: 'Stub "quoted" \\ provider',
                base_url: "http://127.0.0.1:1/v1",
                request_max_retries: 0,
                supports_websockets: false,
              },
            },
            sandbox_workspace_write: { writable_roots: ["/tmp/ü", "C:\\x"] },
            mcp_servers: {
              docs: { args: [{ "key with space": 1, bare_key: [true, 1.5] }], env: {} },
            },
            notice: "line1\nline2\t✓ 🙂",
          },
          configOverrides: ['model="raw"', "x.y=2"],
          baseUrl: "http://localhost:1234/v1",
        },
        thread: { model: "gpt-5.5" },
      },
    ],
    ["apiKey with inherited env", { codex: { apiKey: "sk-test-secret" } }],
    ["apiKey with env", { codex: { apiKey: "sk-test-secret", env: probeEnv } }],
    [
      "env with its own originator and key",
      {
        codex: {
          env: { ...probeEnv, CODEX_INTERNAL_ORIGINATOR_OVERRIDE: "me", CODEX_API_KEY: "from-env" },
        },
      },
    ],
    [
      "resume with images and text segments",
      {
        resumeId: "0199a213-81c0-7800-8aa1-bbab2a035a53",
        thread: { threadSource: "dropped-on-resume", sandboxMode: "read-only" },
        input: [
          { type: "text", text: "Describe these" },
          { type: "local_image", path: "/tmp/one.png" },
          { type: "text", text: "and compare: é €" },
          { type: "local_image", path: "two.jpg" },
        ],
      },
    ],
    [
      "outputSchema and cyberAccessProgram",
      {
        turn: {
          outputSchema: {
            type: "object",
            properties: { answer: { type: "string" } },
            required: ["answer"],
            additionalProperties: false,
          },
          cyberAccessProgram: "daybreak_blue",
        },
      },
    ],
    ["a second turn on the started thread", { turns: 2, thread: { threadSource: "first-only" } }],
  ];

  it.each(SCENARIOS)(
    "sends the same argv, stdin and env as the official SDK: %s",
    async (_name, scenario) => {
      const theirs = await record(fixture.recorder, fixture.official, scenario);
      const ours = await record(fixture.recorder, ourCodex, scenario);
      expect(theirs).toHaveLength(scenario.turns ?? 1);
      expect(ours.map((run) => withSchemaPlaceholder(run.argv))).toEqual(
        theirs.map((run) => withSchemaPlaceholder(run.argv)),
      );
      expect(ours.map((run) => run.stdin)).toEqual(theirs.map((run) => run.stdin));
      expect(ours.map((run) => run.env)).toEqual(theirs.map((run) => run.env));
      expect(ours.map((run) => run.schema)).toEqual(theirs.map((run) => run.schema));
    },
  );

  it("hands apiKey to the child as CODEX_API_KEY in its env, never in argv", async () => {
    const [run] = await record(fixture.recorder, ourCodex, { codex: { apiKey: "sk-test-secret" } });
    expect(run?.env.CODEX_API_KEY).toBe("sk-test-secret");
    expect(run?.argv.some((arg) => arg.includes("sk-test-secret"))).toBe(false);
  });

  it("replaces process.env with env, keeping the originator", async () => {
    const [run] = await record(fixture.recorder, ourCodex, { codex: { env: probeEnv } });
    expect(run?.env).toEqual({
      CODEX_API_KEY: null,
      CODEX_INTERNAL_ORIGINATOR_OVERRIDE: "codex_sdk_ts",
      HOME: null,
      PATH: probeEnv.PATH,
      CODEX_ACTORS_PROBE: "probe",
    });
  });

  it("resumes the thread the first turn started, with the prompt on stdin", async () => {
    const runs = await record(fixture.recorder, ourCodex, { turns: 2, input: "go on" });
    expect(runs.map((run) => run.argv)).toEqual([EXEC, [...EXEC, "resume", "t-1"]]);
    expect(runs.map((run) => run.stdin)).toEqual(["go on", "go on"]);
  });
});
