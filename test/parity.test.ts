/**
 * Parity with `@openai/codex-sdk`: each public-API scenario runs against the official SDK and
 * codex-actors, each in a fresh but identical world (real binary, model stand-in, HOME), and the
 * observable outcomes must be equal: events, items, usage, thread ids, argv and env reaching the
 * binary, errors, and how many model requests were made.
 *
 * Documented supersets (README, "Differences from the official SDK"), asserted as such here:
 * our failures are typed subclasses of `Error` (`TurnFailedError`, `CodexConfigError`, ...) where
 * the official SDK throws a plain `Error` with the same text; `run()` adds `attempts` (and, with a
 * schema, a non-enumerable `output`); `runStreamed()` adds `result`.
 */
import { describe, expect, it } from "@jest/globals";
import {
  hang,
  httpError,
  message,
  reply,
  type RecordedRequest,
} from "../src/model-stand-in/index.js";
import type { ThreadEvent } from "../src/index.js";
import { both, portableArgv, portableEnv, type ParityRig } from "./support/parity.js";
import { eventually } from "./support/processes.js";

/** The events with the thread id (new per run) replaced by a placeholder. */
const portableEvents = (events: ThreadEvent[]) =>
  events.map((event) =>
    event.type === "thread.started" ? { ...event, thread_id: "<thread>" } : event,
  );

/** What the binary and the stand-in saw: argv and env per process, and the model requests. */
const worldOf = (rig: ParityRig) => ({
  processes: rig.spawned().map(({ argv, env }) => ({
    argv: portableArgv(argv),
    env: portableEnv(env),
  })),
  requests: rig.standIn.requests.length,
});

/** An error as the official suite checks it. */
const errorOf = (error: unknown) => {
  const { name, code, cause } = error as { name: string; code?: unknown; cause?: unknown };
  return { isError: isError(error), name, code, cause };
};

/** An `Error` from any realm (Node's own abort errors come from outside jest's sandbox). */
const isError = (value: unknown) => Object.prototype.toString.call(value) === "[object Error]";

const caught = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );

describe("parity with @openai/codex-sdk on the real binary", () => {
  it("run(): same items, final response, usage, argv, env and model requests", async () => {
    const outcome = await both({ script: [reply(message("Hi!"))] }, async (rig) => {
      const thread = rig.startThread();
      const turn = await thread.run("Hello, world!");
      return {
        turn: { items: turn.items, finalResponse: turn.finalResponse, usage: turn.usage },
        threadId: typeof thread.id,
        world: worldOf(rig),
      };
    });
    expect(outcome.ours).toEqual(outcome.official);
    expect(outcome.ours.turn.finalResponse).toBe("Hi!");
    expect(outcome.ours.world.processes).toHaveLength(1);
  });

  it("runStreamed(): the same events in the same order", async () => {
    const outcome = await both({ script: [reply(message("streamed"))] }, async (rig) => {
      const { events } = await rig.startThread().runStreamed("stream it");
      const seen: ThreadEvent[] = [];
      for await (const event of events) seen.push(event);
      return { events: portableEvents(seen), world: worldOf(rig) };
    });
    expect(outcome.ours).toEqual(outcome.official);
    expect(outcome.ours.events.map((e) => e.type)).toEqual([
      "thread.started",
      "turn.started",
      "item.completed",
      "turn.completed",
    ]);
  });

  it("two turns and a resumed thread: same thread ids, history sent to the model, argv", async () => {
    const script = [reply(message("first")), reply(message("second")), reply(message("third"))];
    const fallback = () => reply(message("after the script"));
    const outcome = await both({ script, fallback }, async (rig) => {
      const thread = rig.startThread();
      await thread.run("first input");
      await thread.run("second input");
      const resumed = rig.codex.resumeThread(thread.id!, { skipGitRepoCheck: true });
      const third = await resumed.run("third input");
      const history = (request: RecordedRequest) =>
        (request.body.input as Array<{ role?: string }>).map((entry) => entry.role ?? "other");
      return {
        sameId: resumed.id === thread.id,
        final: third.finalResponse,
        histories: rig.standIn.requests.map(history),
        world: worldOf(rig),
      };
    });
    expect(outcome.ours).toEqual(outcome.official);
    expect(outcome.ours.sameId).toBe(true);
    expect(outcome.ours.world.processes[2]!.argv).toContain("resume");
  });

  it("outputSchema with a response that does not match: both resolve with the same turn", async () => {
    const schema = {
      type: "object",
      properties: { answer: { type: "number" } },
      required: ["answer"],
      additionalProperties: false,
    };
    const outcome = await both({ script: [reply(message("not json at all"))] }, async (rig) => {
      const turn = await rig.startThread().run("structured", { outputSchema: schema });
      return {
        turn: { items: turn.items, finalResponse: turn.finalResponse, usage: turn.usage },
        format: (rig.standIn.requests[0]!.body.text as { format?: unknown }).format,
        world: worldOf(rig),
        output: rig.sdk === "ours" ? errorOf(catchGetter(() => turn.output)) : undefined,
      };
    });
    const { output, ...ours } = outcome.ours;
    const { output: _none, ...official } = outcome.official;
    expect(ours).toEqual(official);
    expect(ours.format).toMatchObject({ type: "json_schema", schema });
    // Ours only (a superset): reading `output` throws the validation error.
    expect(output).toMatchObject({ isError: true, name: "OutputValidationError" });
  });

  it("an already aborted signal: same AbortError (name, code, cause), no model request", async () => {
    const outcome = await both({ script: [reply(message("never"))] }, async (rig) => {
      const controller = new AbortController();
      controller.abort("Test abort");
      const error = await caught(rig.startThread().run("hi", { signal: controller.signal }));
      const aborted = /abort/i.test((error as Error).message);
      return { error: errorOf(error), aborted, requests: rig.standIn.requests.length };
    });
    expect(outcome.ours).toEqual(outcome.official);
    expect(outcome.ours.error).toEqual({
      isError: true,
      name: "AbortError",
      code: "ABORT_ERR",
      cause: "Test abort",
    });
  });

  it("an abort during run(): same AbortError with the signal's reason as cause", async () => {
    const reason = new Error("Aborted during execution");
    const outcome = await both({ script: [hang()] }, async (rig) => {
      const controller = new AbortController();
      const turn = caught(rig.startThread().run("hi", { signal: controller.signal }));
      await eventually(() => rig.standIn.requests.length === 1, "the model request", 10_000);
      controller.abort(reason);
      return { error: errorOf(await turn), requests: rig.standIn.requests.length };
    });
    expect(outcome.ours).toEqual(outcome.official);
    expect(outcome.ours.error).toMatchObject({ name: "AbortError", code: "ABORT_ERR" });
    expect(outcome.ours.error.cause).toBe(reason);
  });

  it("an abort during iteration: the same events first, then the same AbortError", async () => {
    const outcome = await both({ script: [hang()] }, async (rig) => {
      const controller = new AbortController();
      const { events } = await rig.startThread().runStreamed("hi", { signal: controller.signal });
      const seen: string[] = [];
      const error = await caught(
        (async () => {
          for await (const event of events) {
            seen.push(event.type);
            if (event.type === "turn.started") controller.abort({ reason: "object reason" });
          }
        })(),
      );
      return { seen, error: errorOf(error) };
    });
    expect(outcome.ours).toEqual(outcome.official);
    expect(outcome.ours.error).toMatchObject({
      name: "AbortError",
      code: "ABORT_ERR",
      cause: { reason: "object reason" },
    });
  });

  it("a model that keeps failing: codex retries it, both make the same requests and fail alike", async () => {
    const setup = {
      fallback: () => httpError(500, "the stand-in keeps failing"),
      provider: { request_max_retries: 2, stream_max_retries: 2 },
    };
    const outcome = await both(setup, async (rig) => {
      const error = (await caught(rig.startThread().run("fail"))) as Error;
      return { isError: isError(error), message: error.message, world: worldOf(rig) };
    });
    expect(outcome.ours).toEqual(outcome.official);
    expect(outcome.ours.world.processes).toHaveLength(1);
    // codex's own retries, and no more: supervision does not restart a turn.failed by default.
    expect(outcome.ours.world.requests).toBeGreaterThan(1);
  });

  it("a setting the binary refuses at start: one process each, the binary's line in the error", async () => {
    const line = 'approval_policy = "untrusted" is no longer supported';
    const outcome = await both({ script: [reply(message("never"))] }, async (rig) => {
      const error = (await caught(
        rig.startThread({ approvalPolicy: "untrusted" }).run("hi"),
      )) as Error;
      return {
        isError: isError(error),
        hasLine: error.message.includes(line),
        world: worldOf(rig),
      };
    });
    expect(outcome.ours).toEqual(outcome.official);
    expect(outcome.ours).toMatchObject({ isError: true, hasLine: true });
    expect(outcome.ours.world).toMatchObject({ requests: 0 });
    expect(outcome.ours.world.processes).toHaveLength(1);
  });
});

function catchGetter(read: () => unknown): unknown {
  try {
    read();
    return new Error("expected the getter to throw");
  } catch (error) {
    return error;
  }
}
