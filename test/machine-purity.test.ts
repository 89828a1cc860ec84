import { afterAll, beforeEach, describe, expect, it, jest } from "@jest/globals";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  createActor,
  fromCallback,
  initialTransition,
  type AnyActorLogic,
  type AnyActorScope,
  type AnyMachineSnapshot,
  type EventObject,
  type ExecutableActionObject,
} from "xstate";
import { createCodexMachine } from "../src/machines/codex.machine.js";
import type { createThreadMachine } from "../src/machines/thread.machine.js";
import { ChildEnvSource } from "../src/process/child-env.js";
import { FlowControl } from "../src/process/flow-control.js";
import type { Clock } from "../src/supervision/clock.js";
import { DEFAULT_POLICY } from "../src/supervision/policy.js";
import type { ThreadSettings, TurnJob } from "../src/supervision/turn-job.js";
import type { AppServerThreadSettings } from "../src/transports/app-server/app-server-session.js";
import { createAppServerTransport } from "../src/transports/app-server/app-server-transport.js";
import { AppServerLink } from "../src/transports/app-server/server-link.js";
import { execTransport } from "../src/transports/exec/exec-transport.js";
import type { Transport } from "../src/transports/transport.js";
import { AbortError, CodexExitError } from "../src/types/errors.js";

// The machines are pure: a transition only computes the next snapshot and names the effects to
// run (settling a user's turn, sending, spawning). Here every event of the thread and root
// machines is applied, in every state reached within a few events, through transitions that
// execute nothing (as xstate's `transition`), and nothing of the world may have moved: no
// user turn settled or fed an event, no codex started (the binary is a script that leaves a
// mark), the host's clock and random numbers never read (the machines take an injected clock).

const dir = mkdtempSync(path.join(tmpdir(), "codex-actors-purity-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const mark = path.join(dir, "started");
const binary = path.join(dir, "codex");
writeFileSync(binary, `#!/bin/sh\ntouch '${mark}'\n`, { mode: 0o755 });

const settle = jest.fn();
const deliver = jest.fn();
beforeEach(() => {
  settle.mockClear();
  deliver.mockClear();
});
const fakeClock: Clock = { now: () => 1_000_000, random: () => 0.5 };

function job(id: number): TurnJob {
  return {
    id,
    binary: { executablePath: binary, pathDirs: [] },
    prompt: "hello",
    images: [],
    options: { timeoutMs: 60_000 },
    sink: { flow: new FlowControl(), deliver, settle, unreadForMs: () => 0 },
  };
}

const settings: ThreadSettings = {
  globalFlags: [],
  envSource: new ChildEnvSource({ PATH: "/usr/bin:/bin" }),
  thread: {},
  policy: { ...DEFAULT_POLICY, restart: "permanent" },
  clock: fakeClock,
  threadConfig: () => null,
  // Read by the app-server's attempts only: a link to a server that is never started.
  transportSettings: {
    link: new AppServerLink(),
    approvals: { timeoutMs: 1_000 },
  } satisfies AppServerThreadSettings,
};

/** An event with its payload. */
type AnyEvent = EventObject & Record<string, unknown>;

/** A transition that executes no action: the effects come back, named. */
function step(
  logic: AnyActorLogic,
  input: unknown,
  snapshot: AnyMachineSnapshot,
  event: EventObject,
): [AnyMachineSnapshot, ExecutableActionObject[]] {
  const actions: ExecutableActionObject[] = [];
  // As xstate's own `transition`, with a parent (never started) for `sendParent` to address.
  const parent = createActor(fromCallback(() => undefined));
  const self = createActor(logic, { parent, input });
  (self as unknown as { _snapshot: unknown })._snapshot = snapshot;
  const scope = {
    self,
    defer: () => undefined,
    id: "",
    logger: () => undefined,
    sessionId: "",
    stopChild: () => undefined,
    system: self.system,
    emit: () => undefined,
    actionExecutor: (action: ExecutableActionObject) => actions.push(action),
  } as unknown as AnyActorScope;
  return [logic.transition(snapshot, event, scope) as AnyMachineSnapshot, actions];
}

const failed = (error = new CodexExitError(1, null, "boom")) => ({
  status: "failed",
  threadId: "t-1",
  pid: null,
  error,
  sideEffect: null,
});

/** Every event a thread actor takes, for a snapshot (cancels name its queued and current turns). */
function threadEvents(snapshot: AnyMachineSnapshot): AnyEvent[] {
  const { queue, current } = snapshot.context as { queue: TurnJob[]; current: TurnJob | null };
  const ids = [...queue.map((queued) => queued.id), ...(current ? [current.id] : [])];
  return [
    { type: "thread.enqueue", job: job(queue.length + (current ? 1 : 0) + 1) },
    ...ids.map((jobId) => ({ type: "thread.cancel", jobId, error: new AbortError() })),
    { type: "thread.shutdown" },
    { type: "thread.kill" },
    { type: "thread.release" },
    { type: "slot.granted", counted: true },
    { type: "slot.denied", error: new AbortError() },
    { type: "turn.deadline", timeoutMs: 60_000 },
    {
      type: "xstate.done.actor.attempt",
      output: { status: "completed", threadId: "t-1", pid: 7, sideEffect: null },
    },
    { type: "xstate.done.actor.attempt", output: failed() },
    { type: "xstate.error.actor.attempt", error: new Error("attempt crashed") },
    {
      type: "xstate.done.actor.decide",
      output: { decision: { restart: true, delayMs: 10 }, now: 1_000_000 },
    },
    {
      type: "xstate.done.actor.decide",
      output: {
        decision: { restart: false, reason: "not transient", limitExceeded: false },
        now: 1,
      },
    },
    { type: "xstate.error.actor.decide", error: new Error("isTransient threw") },
    { type: "xstate.after.backoff.thread.busy.backingOff" },
    { type: "xstate.error.actor.deadline", error: new Error("timer failed") },
  ];
}

/** What tells snapshots apart for the walk: the state and the counts and flags of its context. */
function keyOf(snapshot: AnyMachineSnapshot): string {
  const shape = Object.entries(snapshot.context as Record<string, unknown>).map(([name, value]) =>
    Array.isArray(value)
      ? [name, value.length]
      : typeof value === "object"
        ? [name, value === null ? null : ((value as { id?: unknown }).id ?? true)]
        : [name, value],
  );
  return JSON.stringify([snapshot.value, snapshot.status, shape]);
}

/** Applies every event to every snapshot reachable within `depth` events; returns the effects named. */
function walk(
  logic: AnyActorLogic,
  input: unknown,
  start: AnyMachineSnapshot,
  eventsOf: (snapshot: AnyMachineSnapshot) => EventObject[],
  depth: number,
): { states: Set<string>; effects: Set<string> } {
  const seen = new Map<string, AnyMachineSnapshot>([[keyOf(start), start]]);
  const effects = new Set<string>();
  let frontier = [start];
  for (let level = 0; level < depth; level++) {
    const next: AnyMachineSnapshot[] = [];
    for (const snapshot of frontier)
      for (const event of eventsOf(snapshot)) {
        const [after, actions] = step(logic, input, snapshot, event);
        for (const action of actions) effects.add(action.type);
        const key = keyOf(after);
        if (seen.has(key) || after.status !== "active") continue;
        seen.set(key, after);
        next.push(after);
      }
    frontier = next;
  }
  return { states: new Set([...seen.values()].map((s) => JSON.stringify(s.value))), effects };
}

const transports: Array<[string, Transport]> = [
  ["exec", execTransport],
  ["app-server", createAppServerTransport()],
];

describe.each(transports)("on the %s transport", (_, transport) => {
  const root = createCodexMachine(transport);
  const thread = root.implementations.actors.thread as ReturnType<typeof createThreadMachine>;

  it("a thread's transitions settle no turn, start no codex, read no host clock", () => {
    const now = jest.spyOn(Date, "now");
    const random = jest.spyOn(Math, "random");
    try {
      const input = { settings, threadId: null };
      const [initial] = initialTransition(thread, input);
      const { states, effects } = walk(
        thread,
        input,
        initial as AnyMachineSnapshot,
        threadEvents,
        5,
      );
      // The walk reached the whole lifecycle of a turn, and its effects came back by name.
      for (const state of [
        '"idle"',
        '{"busy":"acquiring"}',
        '{"busy":"attempting"}',
        '{"busy":"deciding"}',
        '{"busy":"backingOff"}',
      ])
        expect(states).toContain(state);
      for (const effect of ["settleCompleted", "settleFailed", "refuseQueued", "announceRestart"])
        expect(effects).toContain(effect);
      expect(settle).not.toHaveBeenCalled();
      expect(deliver).not.toHaveBeenCalled();
      expect(existsSync(mark)).toBe(false);
      expect(now).not.toHaveBeenCalled();
      expect(random).not.toHaveBeenCalled();
    } finally {
      now.mockRestore();
      random.mockRestore();
    }
  });

  it("the root's transitions settle no turn and read no host clock", () => {
    const now = jest.spyOn(Date, "now");
    try {
      const input = {
        maxConcurrentTurns: 1,
        clock: fakeClock,
        escalation: { maxFailures: 0, withinMs: 60_000 },
      };
      const [initial] = initialTransition(root, input);
      // Thread actors as the root's requests name them: created, never started.
      const threads = [1, 2].map((n) =>
        createActor(thread, { id: `thread-${n}`, input: { settings, threadId: null } }),
      );
      const rootEvents = (): AnyEvent[] => [
        { type: "codex.spawnThread", key: "thread-9", settings, threadId: null },
        ...threads.flatMap((t) => [
          { type: "slot.request", thread: t },
          { type: "slot.release", thread: t },
          { type: "slot.cancel", thread: t },
          { type: "thread.released", thread: t },
        ]),
        { type: "thread.turnFailed", error: new CodexExitError(1, null, "boom") },
        { type: "codex.releaseThread", key: "thread-9" },
        { type: "codex.reset" },
        { type: "codex.shutdown", timeoutMs: 0 },
        { type: "codex.drained" },
        { type: "xstate.error.actor.thread-9", error: new Error("thread crashed") },
      ];
      const { states, effects } = walk(root, input, initial as AnyMachineSnapshot, rootEvents, 3);
      for (const state of ['"running"', '"escalated"', '"shuttingDown"', '"stopped"'])
        expect(states).toContain(state);
      expect(effects).toContain("xstate.sendTo");
      expect(settle).not.toHaveBeenCalled();
      expect(now).not.toHaveBeenCalled();
      expect(existsSync(mark)).toBe(false);
      for (const t of threads) expect(t.getSnapshot().status).toBe("active");
    } finally {
      now.mockRestore();
    }
  });
});
