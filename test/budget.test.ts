import { afterAll, describe, expect, it } from "@jest/globals";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createActor, createMachine, initialTransition, transition } from "xstate";
import {
  AbortError,
  BudgetExceededError,
  Codex,
  InvalidOptionError,
  type TurnOptions,
} from "../src/index.js";
import { execMachine } from "../src/transports/exec/exec.machine.js";
import { execTransport } from "../src/transports/exec/exec-transport.js";
import { createCodexMachine, type CodexMachineEvent } from "../src/machines/codex.machine.js";
import type { ThreadActorRef } from "../src/machines/thread.machine.js";
import type { AttemptOutcome } from "../src/transports/transport.js";
import { ChildEnvSource } from "../src/process/child-env.js";
import { readRolloutTotal } from "../src/process/rollout-file.js";
import { breachBeforeStart, breachWhileRunning } from "../src/supervision/budget.js";
import { mockCodex } from "./support/mock-codex.js";

// Budgets without a process: the decisions, the option checks, the rollout's running total.

const spent = (tokens: number, turns: number) => ({ tokens, turns });

describe("the budget decisions", () => {
  it("refuse a turn once a limit is reached, turns only for a new turn", () => {
    const thread = { scope: "thread" as const, budget: { maxTurns: 2 }, spent: spent(0, 2) };
    expect(breachBeforeStart([thread], true)).toEqual({
      scope: "thread",
      measure: "turns",
      spent: 2,
      limit: 2,
    });
    expect(breachBeforeStart([thread], false)).toBeNull();
    const codex = { scope: "codex" as const, budget: { maxTokens: 100 }, spent: spent(100, 0) };
    expect(breachBeforeStart([codex], false)).toMatchObject({ measure: "tokens", spent: 100 });
    expect(breachBeforeStart([{ ...codex, spent: spent(99, 0) }], true)).toBeNull();
    expect(breachBeforeStart([{ ...codex, budget: undefined }], true)).toBeNull();
  });

  it("stop a running turn only past a token limit, the first budget crossed first", () => {
    const turn = { scope: "turn" as const, budget: { maxTokens: 50 }, spent: spent(50, 1) };
    const thread = { scope: "thread" as const, budget: { maxTokens: 10 }, spent: spent(60, 1) };
    expect(breachWhileRunning([turn])).toBeNull();
    expect(breachWhileRunning([{ ...turn, spent: spent(51, 1) }, thread])).toMatchObject({
      scope: "turn",
      spent: 51,
    });
    expect(breachWhileRunning([turn, thread])).toMatchObject({ scope: "thread", limit: 10 });
  });

  it("say in the error whose budget, what was spent, and how the turn was stopped", () => {
    const error = new BudgetExceededError("codex", "tokens", 1200, 1000, "interrupted");
    expect(error.message).toBe(
      "The Codex's tokens budget is spent: 1200 of 1000 tokens. The running turn was interrupted " +
        "when codex reported the usage that crossed it. Raise budget.maxTokens on the Codex to go on.",
    );
    expect(new BudgetExceededError("turn", "tokens", 9, 5, "usage-report").message).toContain(
      "exec reports usage when a turn completes",
    );
  });
});

describe("the Codex's turn count", () => {
  it("takes back the turn of a slot granted as its turn was cancelled, given back unused", () => {
    const root = createCodexMachine(execTransport);
    const clock = { now: () => 1_000, random: () => 0.5 };
    let [snapshot] = initialTransition(root, {
      maxConcurrentTurns: 1,
      clock,
      budget: { maxTurns: 10 },
    });
    // Threads as the root sees them: refs whose context says no attempt has run.
    const [a, b] = ["thread-1", "thread-2"].map(
      (id) =>
        createActor(createMachine({ context: { attempt: 0 } }), {
          id,
        }) as unknown as ThreadActorRef,
    ) as [ThreadActorRef, ThreadActorRef];
    const apply = (event: CodexMachineEvent) => {
      const [next, actions] = transition(root, snapshot, event);
      snapshot = next;
      return actions;
    };
    apply({ type: "slot.request", thread: a, newTurn: true });
    apply({ type: "slot.request", thread: b, newTurn: true }); // waits
    const grant = apply({ type: "slot.release", thread: a });
    expect(grant).toContainEqual(
      expect.objectContaining({
        params: expect.objectContaining({ event: { type: "slot.granted", counted: true } }),
      }),
    );
    expect(snapshot.context.spent.turns).toBe(2);
    apply({ type: "slot.cancel", thread: b }); // it had cancelled: the grant crossed it
    apply({ type: "slot.release", thread: b, unusedTurn: true });
    expect(snapshot.context.spent).toEqual({ tokens: 0, turns: 1 });
    expect(snapshot.context.running).toBe(0);
  });
});

describe("budget options", () => {
  const rejection = (act: () => unknown) => {
    try {
      act();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidOptionError);
      return (error as InvalidOptionError).message;
    }
    throw new Error("expected InvalidOptionError");
  };

  it.each<[string, unknown, string]>([
    ["a negative limit", { maxTokens: -1 }, "budget.maxTokens"],
    ["a fraction", { maxTurns: 1.5 }, "budget.maxTurns"],
    ["an unknown limit", { maxDollars: 3 }, "budget.maxDollars"],
    ["no object", 5, "budget"],
  ])("are refused by name: %s", (_, budget, named) => {
    expect(rejection(() => new Codex({ budget: budget as never }))).toContain(named);
    expect(rejection(() => new Codex().startThread({ budget: budget as never }))).toContain(named);
  });

  it("take Infinity and 0, and a turn's budget takes maxTokens only", async () => {
    expect(() => new Codex({ budget: { maxTokens: Infinity, maxTurns: 0 } })).not.toThrow();
    const { codex } = mockCodex({ attempts: [] });
    const turn = codex.startThread().run("hi", { budget: { maxTurns: 1 } } as TurnOptions);
    await expect(turn).rejects.toThrow("budget.maxTurns");
  });

  it("of 0 tokens on a turn refuse it before any process starts", async () => {
    const { codex, records } = mockCodex({ attempts: [] });
    await expect(codex.startThread().run("hi", { budget: { maxTokens: 0 } })).rejects.toMatchObject(
      { scope: "turn", measure: "tokens", stoppedAt: "before-start" },
    );
    expect(records()).toEqual([]);
  });

  it("of 0 turns refuse the first turn before any process starts", async () => {
    const { codex, records } = mockCodex({ attempts: [] }, { budget: { maxTurns: 0 } });
    await expect(codex.startThread().run("hi")).rejects.toMatchObject({
      kind: "budget_exceeded",
      scope: "codex",
      stoppedAt: "before-start",
    });
    expect(records()).toEqual([]);
  });
});

describe("a thread's running total in its rollout file", () => {
  const home = mkdtempSync(path.join(tmpdir(), "codex-actors-rollout-"));
  const id = "0199a213-81c0-7800-8aa1-bbab2a035a53";
  const day = path.join(home, "sessions", "2026", "12", "06");
  mkdirSync(day, { recursive: true });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  const count = (input: number, output: number) =>
    JSON.stringify({
      type: "event_msg",
      payload: {
        type: "token_count",
        info: { total_token_usage: { input_tokens: input, output_tokens: output } },
      },
    });

  it("is the last token count's input + output, skipping lines that do not parse", async () => {
    const lines = [count(100, 10), count(300, 30), '{"type":"token_count" cut sho', ""];
    writeFileSync(path.join(day, `rollout-2026-12-06T10-00-00-${id}.jsonl`), lines.join("\n"));
    expect(await readRolloutTotal(home, id)).toBe(330);
  });

  it("is null without a rollout, or without a count in it", async () => {
    expect(await readRolloutTotal(home, "no-such-thread")).toBeNull();
    const other = "0199a213-81c0-7800-8aa1-000000000000";
    writeFileSync(path.join(day, `rollout-2026-12-06T11-00-00-${other}.jsonl`), "{}\n");
    expect(await readRolloutTotal(home, other)).toBeNull();
  });

  it("is read from the CODEX_HOME the child runs with, else HOME/.codex", () => {
    expect(new ChildEnvSource({ CODEX_HOME: home }).codexHome()).toBe(home);
    expect(new ChildEnvSource({ HOME: "/home/u" }).codexHome()).toBe("/home/u/.codex");
  });
});

describe("an exec attempt that reads where its thread's tokens stood", () => {
  const home = mkdtempSync(path.join(tmpdir(), "codex-actors-baseline-"));
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  const id = "0199a213-81c0-7800-8aa1-0000000000ff";
  // A rollout that cannot be read: a folder where the file should be.
  mkdirSync(
    path.join(home, "sessions", "2026", "12", "06", `rollout-2026-12-06T12-00-00-${id}.jsonl`),
    {
      recursive: true,
    },
  );
  const attempt = () =>
    createActor(execMachine, {
      input: {
        process: {
          executablePath: path.join(home, "no-such-codex"),
          argv: [],
          envSource: new ChildEnvSource({ PATH: "/usr/bin:/bin" }),
          pathDirs: [],
          prompt: "",
          deliver: () => undefined,
        },
        tokens: { known: null, rollout: { codexHome: home, threadId: id } },
      },
    }).start();
  const ended = (actor: ReturnType<typeof attempt>) =>
    new Promise<AttemptOutcome>((resolve) =>
      actor.subscribe({ complete: () => resolve(actor.getSnapshot().output!) }),
    );

  it("goes on to start its process when the rollout cannot be read (its usage then counted whole)", async () => {
    const outcome = await ended(attempt());
    // It got as far as spawning: the missing executable is what ended it.
    expect(outcome).toMatchObject({ status: "failed", pid: null });
    expect(outcome.error?.kind).toMatch(/^(spawn|binary_not_found)$/);
  });

  it("ends aborted, having started nothing, when it is stopped while reading", async () => {
    const actor = attempt();
    actor.send({ type: "attempt.abort", error: new AbortError() });
    expect(await ended(actor)).toMatchObject({ status: "aborted", pid: null });
  });
});
