import { describe, expect, it } from "@jest/globals";
import { Codex, InvalidOptionError } from "../src/index.js";
import type { CodexOptions, SupervisionPolicy, TurnOptions } from "../src/index.js";
import { mockCodex } from "./support/mock-codex.js";
import { schemaDirsOfThisProcess } from "./support/schema-dirs.js";

/** Options as a hostile (or untyped JavaScript) caller may pass them. */
const untyped = <T>(value: unknown) => value as T;

/** The InvalidOptionError `act` throws, failing the test if it throws nothing or something else. */
function rejectionOf(act: () => unknown): InvalidOptionError {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    return error as InvalidOptionError;
  }
  throw new Error("expected InvalidOptionError, nothing was thrown");
}

const NOT_DURATIONS: Array<[string, unknown]> = [
  ["2**31, past what a timer honours", 2 ** 31],
  ["Infinity", Infinity],
  ["NaN", NaN],
  ["a fraction", 1.5],
  ["a negative number", -1],
  ["a string", "abc"],
  ["true", true],
];

describe("the options of new Codex(...)", () => {
  it.each(NOT_DURATIONS)("rejects killGraceMs of %s, naming option, value and type", (_, value) => {
    const error = rejectionOf(() => new Codex(untyped<CodexOptions>({ killGraceMs: value })));
    expect(error.option).toBe("killGraceMs");
    expect(error.message).toContain(`got \`${typeof value === "string" ? '"abc"' : value}\``);
    expect(error.message).toContain(`(${typeof value})`);
  });

  it.each([0, 1.5, "abc", true, 2 ** 31])("rejects stalledStreamWarningMs %p", (value) => {
    const make = () => new Codex(untyped<CodexOptions>({ stalledStreamWarningMs: value }));
    expect(rejectionOf(make).option).toBe("stalledStreamWarningMs");
  });

  it.each([1.5, 0, -2, "2", NaN, null])(
    "rejects maxConcurrentTurns %p: integers >= 1 only",
    (n) => {
      const error = rejectionOf(() => new Codex(untyped<CodexOptions>({ maxConcurrentTurns: n })));
      expect(error.option).toBe("maxConcurrentTurns");
      expect(error.kind).toBe("invalid_option");
    },
  );

  it("says what was expected and what came, in one sentence", () => {
    expect(rejectionOf(() => new Codex({ maxConcurrentTurns: 1.5 })).message).toBe(
      "Invalid `maxConcurrentTurns`: expected an integer >= 1 (or Infinity), got `1.5` (number)",
    );
    expect(rejectionOf(() => new Codex({ killGraceMs: 2 ** 31 })).message).toBe(
      "Invalid `killGraceMs`: expected an integer number of milliseconds from 0 to 2147483647, " +
        "got `2147483648` (number)",
    );
  });

  it.each<[string, unknown]>([
    ["escalation.maxFailures", { maxFailures: 1.5, withinMs: 1_000 }],
    ["escalation.withinMs", { maxFailures: 1, withinMs: 2 ** 31 }],
    ["escalation.withinMs", { maxFailures: 1, withinMs: 0 }],
    ["escalation", { maxFailures: 1 }],
    ["escalation", "often"],
  ])("rejects %s in escalation %j", (option, escalation) => {
    expect(rejectionOf(() => new Codex(untyped<CodexOptions>({ escalation }))).option).toBe(option);
  });

  const badPolicies: Array<[string, unknown]> = [
    ["supervision.maxRestarts", { maxRestarts: 2.5 }],
    ["supervision.maxRestarts", { maxRestarts: -1 }],
    ["supervision.withinMs", { withinMs: Infinity }],
    ["supervision.restart", { restart: "sometimes" }],
    ["supervision.backoff.initialMs", { backoff: { initialMs: "abc" } }],
    ["supervision.backoff.maxMs", { backoff: { maxMs: 2 ** 31 } }],
    ["supervision.backoff.factor", { backoff: { factor: 0.5 } }],
    ["supervision.backoff.jitter", { backoff: { jitter: "yes" } }],
    ["supervision.isTransient", { isTransient: true }],
  ];

  it.each(badPolicies)("rejects %s in the Codex's policy %j", (option, supervision) => {
    const make = () => new Codex(untyped<CodexOptions>({ supervision }));
    expect(rejectionOf(make).option).toBe(option);
  });

  it.each(badPolicies)("rejects %s in a thread's policy %j", (option, supervision) => {
    const codex = new Codex();
    const policy = untyped<SupervisionPolicy>(supervision);
    expect(rejectionOf(() => codex.startThread({ supervision: policy })).option).toBe(option);
    expect(rejectionOf(() => codex.resumeThread("t-1", { supervision: policy })).option).toBe(
      option,
    );
  });

  it("accepts the edges: Infinity concurrency, no grace, the longest timer", () => {
    expect(
      () =>
        new Codex({
          maxConcurrentTurns: Infinity,
          killGraceMs: 0,
          stalledStreamWarningMs: false,
          escalation: { maxFailures: 0, withinMs: 2 ** 31 - 1 },
          supervision: { maxRestarts: 0, backoff: { initialMs: 0, maxMs: 0, factor: 1 } },
        }),
    ).not.toThrow();
  });
});

describe("the options of a turn", () => {
  it.each<[string, unknown]>([
    ["an empty object", {}],
    ["a string", "abort"],
    ["an object with a non-boolean aborted", { aborted: "no", addEventListener() {} }],
  ])(
    "rejects a signal that is %s before anything is queued or written; the thread stays usable",
    async (_, signal) => {
      const rig = mockCodex([{ turn: '{"answer":"ok"}' }]);
      const thread = rig.codex.startThread();
      const turnOptions = untyped<TurnOptions>({ signal, outputSchema: { type: "object" } });
      await expect(thread.run("hi", turnOptions)).rejects.toMatchObject({
        name: "InvalidOptionError",
        option: "signal",
        message: expect.stringContaining("expected an AbortSignal"),
      });
      await expect(thread.runStreamed("hi", turnOptions)).rejects.toMatchObject({
        option: "signal",
      });
      expect(rig.records()).toEqual([]);
      expect(schemaDirsOfThisProcess()).toEqual([]);
      expect(thread.actor.getSnapshot().value).toBe("idle");
      expect((await thread.run("again")).finalResponse).toBe('{"answer":"ok"}');
      expect(rig.records().filter((r) => r.argv)).toHaveLength(1);
      rig.close();
    },
  );

  it.each(
    NOT_DURATIONS.flatMap(([what, value]) =>
      (["timeoutMs", "idleTimeoutMs"] as const).map((option) => [option, what, value] as const),
    ),
  )("rejects %s of %s before any process starts", async (option, _, value) => {
    const rig = mockCodex([{ turn: "never" }]);
    const thread = rig.codex.startThread();
    const turnOptions = untyped<TurnOptions>({ [option]: value });
    await expect(thread.run("hi", turnOptions)).rejects.toMatchObject({
      name: "InvalidOptionError",
      option,
    });
    await expect(thread.runStreamed("hi", turnOptions)).rejects.toMatchObject({ option });
    expect(rig.records()).toEqual([]);
    rig.close();
  });
});

describe("options given as the wrong type", () => {
  it("rejects a cyberAccessProgram that is not a string before any process starts", async () => {
    const rig = mockCodex([{ turn: "never" }]);
    const turnOptions = untyped<TurnOptions>({ cyberAccessProgram: 7 });
    await expect(rig.codex.startThread().run("hi", turnOptions)).rejects.toMatchObject({
      name: "InvalidOptionError",
      option: "cyberAccessProgram",
      message: expect.stringContaining("expected a string, got `7`"),
    });
    expect(rig.records()).toEqual([]);
  });

  it("rejects an onApproval that is not a function, naming it", () => {
    const options = untyped<CodexOptions & { transport: "app-server" }>({
      transport: "app-server",
      onApproval: "accept",
    });
    const error = rejectionOf(() => new Codex(options));
    expect(error.option).toBe("onApproval");
    expect(error.message).toContain("expected a function");
  });
});

describe("shutdown({ timeoutMs })", () => {
  it.each(NOT_DURATIONS)(
    "rejects %s with InvalidOptionError and stops nothing",
    async (_, timeoutMs) => {
      const rig = mockCodex([{ delayMs: 300 }, { turn: "finished" }]);
      const turn = rig.codex.startThread().run("hi");
      await expect(rig.codex.shutdown(untyped({ timeoutMs }))).rejects.toMatchObject({
        name: "InvalidOptionError",
        option: "timeoutMs",
      });
      expect((await turn).finalResponse).toBe("finished");
      expect(rig.codex.getSnapshot().state).toBe("running");
      await rig.codex.shutdown();
      rig.close();
    },
  );
});
