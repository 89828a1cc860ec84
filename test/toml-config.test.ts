import { describe, expect, it } from "@jest/globals";
import { globalConfigFlags } from "../src/process/toml-config.js";
import { flattenConfig, toTomlValue } from "../src/process/toml-config.js";
import { Codex } from "../src/index.js";
import { InvalidOptionError } from "../src/types/errors.js";
import type { CodexConfigObject } from "../src/types/options.js";
import { record, recorderFixture } from "./support/argv-recorder.js";

/** Lets a test pass what the types forbid, as JavaScript callers can. */
const untyped = (value: unknown) => value as CodexConfigObject;

/** The InvalidOptionError `flattenConfig` throws for `config`, failing the test if none. */
function rejectionOf(config: unknown): InvalidOptionError {
  try {
    flattenConfig(untyped(config));
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error).toMatchObject({ option: "config", kind: "invalid_option" });
    return error as InvalidOptionError;
  }
  throw new Error(`expected ${String(config)} to be rejected`);
}

describe("flattenConfig: keys", () => {
  it("turns a top-level key into key=value", () => {
    expect(flattenConfig({ model: "gpt-5.5" })).toEqual(['model="gpt-5.5"']);
  });

  it("turns nested objects into dotted keys, in insertion order", () => {
    expect(
      flattenConfig({
        model_provider: "stub",
        model_providers: { stub: { name: "Stub", retries: { request: 0, stream: 1 } } },
        sandbox_workspace_write: { network_access: true },
      }),
    ).toEqual([
      'model_provider="stub"',
      'model_providers.stub.name="Stub"',
      "model_providers.stub.retries.request=0",
      "model_providers.stub.retries.stream=1",
      "sandbox_workspace_write.network_access=true",
    ]);
  });

  it("turns an empty nested object into key={}", () => {
    expect(flattenConfig({ tools: {}, a: { b: {} } })).toEqual(["tools={}", "a.b={}"]);
  });

  it("gives nothing for an empty config", () => {
    expect(flattenConfig({})).toEqual([]);
  });

  it("skips undefined values at any depth", () => {
    expect(
      flattenConfig(untyped({ a: undefined, b: { c: undefined, d: 1 }, e: [{ f: undefined }] })),
    ).toEqual(["b.d=1", "e=[{}]"]);
  });

  it("writes nothing for an object whose values are all undefined, as the official SDK", () => {
    expect(flattenConfig(untyped({ a: { b: undefined } }))).toEqual([]);
  });
});

describe("toTomlValue: TOML literals", () => {
  it.each([
    ["a plain string", "gpt-5.5", '"gpt-5.5"'],
    ["an empty string", "", '""'],
    ["double quotes", 'say "hi"', '"say \\"hi\\""'],
    ["backslashes", "C:\\Users\\me", '"C:\\\\Users\\\\me"'],
    ["a newline", "line1\nline2", '"line1\\nline2"'],
    ["a carriage return and tab", "a\r\tb", '"a\\r\\tb"'],
    ["a control character", "bell\u0007", '"bell\\u0007"'],
    ["unicode, kept as UTF-8", "héllo ✓ 世界 🙂", '"héllo ✓ 世界 🙂"'],
    ["single quotes", "it's", '"it\'s"'],
    ["TOML syntax", "a = [1, {b = 2}] # not a comment", '"a = [1, {b = 2}] # not a comment"'],
  ])("quotes and escapes a string with %s", (_what, value, toml) => {
    expect(toTomlValue(value, "key")).toBe(toml);
  });

  it.each([
    [0, "0"],
    [42, "42"],
    [-7, "-7"],
    [1.5, "1.5"],
    [-0.25, "-0.25"],
    [1e21, "1e+21"],
    [5e-7, "5e-7"],
  ])("writes the finite number %p as %s", (value, toml) => {
    expect(toTomlValue(value, "key")).toBe(toml);
  });

  it("writes booleans as true and false", () => {
    expect(flattenConfig({ yes: true, no: false })).toEqual(["yes=true", "no=false"]);
  });

  it("writes arrays, nested and mixed, with their elements as TOML", () => {
    expect(
      flattenConfig({ empty: [], list: ["a", 1, true], nested: [[1, 2], ["x"]], strings: ['"q"'] }),
    ).toEqual(["empty=[]", 'list=["a", 1, true]', 'nested=[[1, 2], ["x"]]', 'strings=["\\"q\\""]']);
  });

  it("writes objects inside arrays as inline tables, quoting keys that are not bare", () => {
    expect(
      flattenConfig({
        servers: [
          { name: "docs", "key with space": 1, "dotted.key": 2, é: 3, "bare-key_9": 4 },
          { nested: { deeper: [{}] } },
        ],
      }),
    ).toEqual([
      'servers=[{name = "docs", "key with space" = 1, "dotted.key" = 2, "é" = 3, bare-key_9 = 4}, ' +
        "{nested = {deeper = [{}]}}]",
    ]);
  });

  it("escapes a quoted inline-table key like a string", () => {
    expect(toTomlValue({ 'say "hi"': true }, "key")).toBe('{"say \\"hi\\"" = true}');
  });
});

describe("flattenConfig: what TOML cannot say", () => {
  it.each([
    ["null", { a: { b: null } }, "a.b"],
    ["NaN", { a: { b: Number.NaN } }, "a.b"],
    ["Infinity", { limit: Number.POSITIVE_INFINITY }, "limit"],
    ["-Infinity", { limit: Number.NEGATIVE_INFINITY }, "limit"],
    ["a function", { hook: () => 1 }, "hook"],
    ["a symbol", { s: Symbol("s") }, "s"],
    ["a bigint", { n: 10n }, "n"],
    ["null in an array", { list: ["ok", null] }, "list[1]"],
    ["NaN in an inline table", { list: [{ x: Number.NaN }] }, "list[0].x"],
  ])("rejects %s with InvalidOptionError naming its path", (_what, config, path) => {
    expect(rejectionOf(config).message).toContain(path);
  });

  it("rejects an empty key at the top level", () => {
    expect(rejectionOf({ "": 1 }).message).toMatch(/empty key/);
  });

  it("rejects an empty key in a nested object, naming its parent", () => {
    expect(rejectionOf({ a: { b: { "": 1 } } }).message).toContain("a.b");
  });

  it("rejects an empty key in an inline table, naming its path", () => {
    expect(rejectionOf({ list: [{ "": 1 }] }).message).toContain("list[0]");
  });

  it("rejects an empty key even when its value is undefined", () => {
    rejectionOf({ a: { "": undefined } });
  });

  it.each([
    ["null", null],
    ["an array", [1]],
    ["a string", "model=gpt-5.5"],
  ])("rejects %s as the whole config", (_what, config) => {
    rejectionOf(config);
  });

  it("rejects a bad config when the Codex is made, before any turn", () => {
    expect(() => new Codex({ config: untyped({ model: null }) })).toThrow(InvalidOptionError);
  });
});

describe("the same --config flags as the official SDK", () => {
  const fixture = recorderFixture();

  const CONFIGS: Array<[string, CodexConfigObject]> = [
    ["a flat config", { model: "gpt-5.5", model_reasoning_effort: "high", hide: false }],
    [
      "a model provider, as the stand-in uses",
      {
        model_provider: "stub",
        model_providers: {
          stub: {
            name: "stub",
            base_url: "http://127.0.0.1:4321",
            wire_api: "responses",
            supports_websockets: false,
            env_key: "CODEX_API_KEY",
            request_max_retries: 0,
            stream_max_retries: 0,
          },
        },
      },
    ],
    [
      "strings that need escaping",
      { a: 'q"uote', b: "back\\slash", c: "new\nline\ttab\u0001", d: "ünï 🙂 世界" },
    ],
    ["numbers", { int: 3, neg: -12, frac: 0.125, big: 1e21, small: 5e-7 }],
    ["arrays", { empty: [], mixed: ["a", 2, true], nested: [[1], [2, [3]]] }],
    [
      "inline tables with odd keys",
      { mcp: [{ "key with space": "v", "a.b": 1, bare_key: { inner: ["x"] }, ü: {} }] },
    ],
    ["empty tables", { top: {}, deep: { er: { est: {} } } }],
  ];

  it.each(CONFIGS)("flattens %s exactly as @openai/codex-sdk does", async (_name, config) => {
    const [run] = await record(fixture.recorder, fixture.official, { codex: { config } });
    expect(run?.argv.slice(0, 2)).toEqual(["exec", "--experimental-json"]);
    expect(globalConfigFlags({ config })).toEqual(run?.argv.slice(2));
  });
});
