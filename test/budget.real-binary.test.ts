import { describe, expect, it } from "@jest/globals";
import diagnostics from "node:diagnostics_channel";
import {
  BudgetExceededError,
  CHANNEL_NAMES,
  type AttemptEndMessage,
  type TransportName,
} from "../src/index.js";
import {
  hang,
  message,
  responseFailed,
  shellCommand,
  type OutputItem,
  type StandInReply,
} from "../src/model-stand-in/index.js";
import { collect } from "./support/collect.js";
import { MODEL, realCodex } from "./support/real-codex.js";
import { eventually } from "./support/processes.js";

/** A reply of `items` whose `response.completed` reports `input` + `output` tokens. */
const costing = (input: number, output: number, ...items: OutputItem[]): StandInReply => ({
  kind: "items",
  items,
  usage: { input_tokens: input, output_tokens: output },
});

describe.each<TransportName>(["exec", "app-server"])(
  "budgets on the real binary (%s)",
  (transport) => {
    it("a thread's maxTurns refuses the next turn before any process starts", async () => {
      const rig = await realCodex([
        costing(100, 10, message("one")),
        costing(100, 10, message("two")),
      ]);
      const codex = rig.makeCodex({ transport });
      const thread = codex.startThread({
        model: MODEL,
        skipGitRepoCheck: true,
        workingDirectory: rig.workdir,
        budget: { maxTurns: 2 },
      });
      await thread.run("first");
      await thread.run("second");

      const refused = await thread.run("third").catch((error: unknown) => error);

      expect(refused).toBeInstanceOf(BudgetExceededError);
      expect(refused).toMatchObject({
        kind: "budget_exceeded",
        scope: "thread",
        measure: "turns",
        spent: 2,
        limit: 2,
        stoppedAt: "before-start",
      });
      expect((refused as Error).message).toContain("budget.maxTurns on the thread");
      expect(rig.standIn.requests).toHaveLength(2);
      const [view] = codex.getSnapshot().threads;
      expect(view).toMatchObject({ spent: { tokens: 220, turns: 2 }, budget: { maxTurns: 2 } });
    });

    it("the Codex's budget counts every thread's turns and tokens", async () => {
      const rig = await realCodex([costing(100, 10, message("one"))]);
      const codex = rig.makeCodex({ transport, budget: { maxTurns: 1, maxTokens: 1000 } });
      await rig.startThread(codex).run("first");

      const refused = await rig
        .startThread(codex)
        .run("second")
        .catch((error: unknown) => error);

      expect(refused).toMatchObject({
        scope: "codex",
        measure: "turns",
        spent: 1,
        limit: 1,
        stoppedAt: "before-start",
      });
      expect(rig.standIn.requests).toHaveLength(1);
      expect(codex.getSnapshot()).toMatchObject({
        spent: { tokens: 110, turns: 1 },
        budget: { maxTurns: 1, maxTokens: 1000 },
      });
    });

    it("a running turn that crosses its token budget is stopped, typed, and not restarted", async () => {
      // The first request runs a command; the second never answers on the app-server (only the
      // interrupt can end the turn), and answers on exec (whose usage comes at the turn's end).
      const second = transport === "app-server" ? hang() : costing(40, 7, message("done"));
      const rig = await realCodex([costing(100, 10, shellCommand("echo hi")), second]);
      const codex = rig.makeCodex({
        transport,
        supervision: { restart: "permanent", restartAfterSideEffects: true },
      });
      const ends: AttemptEndMessage[] = [];
      const onEnd = (message: unknown) => ends.push(message as AttemptEndMessage);
      diagnostics.subscribe(CHANNEL_NAMES.attemptEnd, onEnd);
      try {
        const thread = rig.startThread(codex);
        const { events } = await thread.runStreamed("spend", { budget: { maxTokens: 50 } });

        const { seen, error } = await collect(events);

        const spent = transport === "app-server" ? 110 : 157;
        expect(error).toBeInstanceOf(BudgetExceededError);
        expect(error).toMatchObject({
          scope: "turn",
          measure: "tokens",
          spent,
          limit: 50,
          stoppedAt: transport === "app-server" ? "interrupted" : "usage-report",
        });
        expect(seen.filter((event) => event.type === "turn.restarted")).toEqual([]);
        expect(ends).toEqual([expect.objectContaining({ attempt: 1, tokens: spent })]);
        expect(codex.getSnapshot().threads[0]).toMatchObject({
          spent: { tokens: spent, turns: 1 },
        });
      } finally {
        diagnostics.unsubscribe(CHANNEL_NAMES.attemptEnd, onEnd);
      }
    });

    it("a turn that takes the Codex past its tokens stops every running turn", async () => {
      const rig = await realCodex([hang(), costing(100, 10, message("costly"))]);
      const codex = rig.makeCodex({ transport, budget: { maxTokens: 100 } });
      const waiting = rig.startThread(codex).run("waits for its model");
      await eventually(() => rig.standIn.requests.length === 1, "the model request", 10_000);

      const [costly, stopped] = await Promise.allSettled([
        rig.startThread(codex).run("spends"),
        waiting,
      ]);

      const overBudget = { scope: "codex", measure: "tokens", spent: 110, limit: 100 };
      expect(costly).toMatchObject({ status: "rejected", reason: overBudget });
      expect(stopped).toMatchObject({
        status: "rejected",
        reason: { ...overBudget, stoppedAt: "interrupted" },
      });
      expect((stopped as PromiseRejectedResult).reason).toBeInstanceOf(BudgetExceededError);
    });

    it("turns waiting for a slot are refused once the Codex's turns are spent", async () => {
      const rig = await realCodex([costing(100, 10, message("one"))]);
      const codex = rig.makeCodex({ transport, maxConcurrentTurns: 1, budget: { maxTurns: 1 } });

      const [first, second] = await Promise.allSettled([
        rig.startThread(codex).run("first"),
        rig.startThread(codex).run("second"),
      ]);

      expect(first).toMatchObject({ status: "fulfilled" });
      expect(second).toMatchObject({
        status: "rejected",
        reason: { scope: "codex", measure: "turns", stoppedAt: "before-start" },
      });
      expect(rig.standIn.requests).toHaveLength(1);
    });

    it("a resumed thread's turn counts only its own tokens", async () => {
      const rig = await realCodex([
        costing(100, 10, message("one")),
        costing(200, 20, message("two")),
        costing(300, 30, message("three")),
      ]);
      const first = rig.makeCodex({ transport });
      const thread = rig.startThread(first);
      await thread.run("one");
      await thread.run("two");
      await first.shutdown();

      const later = rig.makeCodex({ transport, budget: { maxTokens: 10_000 } });
      const resumed = later.resumeThread(thread.id!, {
        model: MODEL,
        skipGitRepoCheck: true,
        workingDirectory: rig.workdir,
      });
      const turn = await resumed.run("three");

      // codex reports the thread's running total (660); the turn itself spent 330.
      expect(turn.usage).toMatchObject({ input_tokens: 600, output_tokens: 60 });
      expect(later.getSnapshot().spent).toEqual({ tokens: 330, turns: 1 });
    });

    it("a resumed thread's turn whose first attempt failed after a model request is charged that request too", async () => {
      const rig = await realCodex([
        costing(100, 10, message("one")),
        costing(40, 4, shellCommand("true")),
        responseFailed("server_error", "the stand-in failed"),
        costing(300, 30, message("three")),
      ]);
      const first = rig.makeCodex({ transport });
      const thread = rig.startThread(first);
      await thread.run("one");
      await first.shutdown();

      const later = rig.makeCodex({
        transport,
        budget: { maxTokens: 10_000 },
        supervision: {
          restartAfterSideEffects: true,
          isTransient: () => true,
          backoff: { initialMs: 10, jitter: false },
        },
      });
      const resumed = later.resumeThread(thread.id!, {
        model: MODEL,
        skipGitRepoCheck: true,
        workingDirectory: rig.workdir,
        sandboxMode: "danger-full-access",
      });
      const turn = await resumed.run("three");

      expect(turn.attempts).toBe(2);
      // Before it: 110. The failed attempt's first request: 44; the second attempt: 330.
      expect(later.getSnapshot().spent).toEqual({ tokens: 374, turns: 1 });
    });
  },
);
