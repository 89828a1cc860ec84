import { afterEach, describe, expect, it } from "@jest/globals";
import type { InspectionEvent } from "xstate";
import {
  Codex,
  CodexError,
  InternalError,
  type CodexOptions,
  type Thread,
  type TurnOptions,
} from "../src/index.js";
import { faultSeam } from "../src/supervision/fault-seam.js";
import { settledWithin } from "./support/deadlines.js";
import { fakeServerCodex, type FakeStep } from "./support/fake-app-server.js";
import { interruptHonoured, runningTurn, wholeTurn } from "./support/fake-turn-steps.js";
import { mockCodex, type MockStep } from "./support/mock-codex.js";
import { eventually, isAlive } from "./support/processes.js";

/*
 * Fault injection: every action any actor of a turn runs (the root, the thread, the attempt; in
 * every state a turn passes through on its way to completing, restarting after a crash, or
 * meeting its deadline) is made to throw in turn. Whatever throws, the turn settles (with a
 * typed CodexError when it had not already completed), no codex process is left, no uncaught
 * error reaches the host (Jest fails the test on one), the thread takes a next turn, and
 * shutdown() resolves.
 */

const started: MockStep[] = [{ threadStarted: true }, { emit: { type: "turn.started" } }];
/** Restarts after `ms` (fast by default). */
const backoff = (ms = 10) => ({ backoff: { initialMs: ms, maxMs: ms, jitter: false } });

/** A Codex the scenario's turns run on, and the pids of the codex processes it started. */
type Rig = {
  codex: Codex<"exec" | "app-server">;
  pids: () => number[];
  close: () => Promise<void>;
};

type Scenario = {
  name: string;
  /** The codex of each attempt: mock-codex's steps (exec), or the fake app-server's per start. */
  attempts: MockStep[][] | { server: FakeStep[][] };
  turn: TurnOptions;
  backoffMs?: number;
  /** Aborts the turn's signal when its restart is announced. */
  abortOnRestart?: boolean;
};

/**
 * The deadline of the deadline scenarios: past a loaded machine's start of codex and its stream,
 * so each run reaches the sites the discovery runs saw before it fires.
 */
const DEADLINE_MS = 1_500;

const SCENARIOS: Scenario[] = [
  { name: "completes", attempts: [[{ turn: "done" }], [{ turn: "done" }]], turn: {} },
  {
    name: "crashes, is restarted, completes",
    attempts: [[...started, { signal: "SIGKILL" }], [{ turn: "done" }], [{ turn: "done" }]],
    turn: {},
  },
  {
    name: "meets its deadline",
    attempts: [[...started, { hang: true }], [{ turn: "done" }]],
    turn: { timeoutMs: DEADLINE_MS },
  },
  {
    // Aborted once the restart is announced, so the stop always lands in the backoff (a
    // deadline could fire before the crash on a loaded machine).
    name: "is aborted while backing off",
    attempts: [[...started, { signal: "SIGKILL" }], [{ turn: "done" }]],
    turn: {},
    abortOnRestart: true,
    backoffMs: 5_000,
  },
  {
    name: "app-server: completes",
    attempts: { server: [[...wholeTurn("done"), ...wholeTurn("again")]] },
    turn: {},
  },
  {
    name: "app-server: its server is killed, the turn restarted on a new one",
    attempts: {
      server: [
        [...runningTurn, { signal: "SIGKILL" }],
        [...wholeTurn("recovered"), ...wholeTurn("again")],
      ],
    },
    turn: {},
  },
  {
    name: "app-server: meets its deadline, interrupted",
    attempts: { server: [[...runningTurn, ...interruptHonoured, ...wholeTurn("again")]] },
    turn: { timeoutMs: DEADLINE_MS },
  },
];

/** The scenario's Codex: on mock-codex, or on the fake app-server (started again as needed). */
function rigOf(scenario: Scenario, options: CodexOptions): Rig {
  const supervision = { restart: "transient" as const, ...backoff(scenario.backoffMs) };
  // A stopped turn's server gets half a second to answer an interrupt, not the default 5 s.
  options = { killGraceMs: 500, ...options };
  if (Array.isArray(scenario.attempts)) {
    const rig = mockCodex({ attempts: scenario.attempts }, { supervision, ...options });
    const pids = () => rig.records().flatMap((record) => (record.pid ? [record.pid] : []));
    return { codex: rig.codex, pids, close: rig.close };
  }
  // Spare starts: a fault may cost a server, and the next turn needs one.
  const { server } = scenario.attempts;
  const runs = [...server, ...server.slice(-1), ...server.slice(-1)];
  const rig = fakeServerCodex({ runs }, { supervision, ...options });
  return { codex: rig.codex, pids: rig.serverPids, close: () => rig.codex.shutdown() };
}

/** Where an action runs: the machine, its state, the action's type. */
type Site = { machine: string; state: string; action: string };
const siteKey = (site: Site) => `${site.machine} ${site.state} ${site.action}`;

function siteOf(event: InspectionEvent): Site | null {
  if (event.type !== "@xstate.action") return null;
  const snapshot = event.actorRef.getSnapshot() as {
    machine?: { id: string };
    value?: unknown;
  };
  if (!snapshot.machine) return null;
  return {
    machine: snapshot.machine.id,
    state: JSON.stringify(snapshot.value),
    action: event.action.type,
  };
}

type Outcome = { status: "resolved" } | { status: "rejected"; error: unknown } | { status: string };

/** One turn of `scenario` on `thread`, aborted when its restart is announced if it says so. */
async function runTurn(thread: Thread, scenario: Scenario): Promise<unknown> {
  if (!scenario.abortOnRestart) return thread.run("hi", scenario.turn);
  const abort = new AbortController();
  const { events, result } = await thread.runStreamed("hi", {
    ...scenario.turn,
    signal: abort.signal,
  });
  for await (const event of events) if (event.type === "turn.restarted") abort.abort();
  return result;
}

/** Runs one turn of `scenario` on a fresh rig; the seam is whatever the caller set. */
async function runScenario(scenario: Scenario, options: CodexOptions = {}) {
  const rig = rigOf(scenario, options);
  const thread = () => rig.codex.startThread();
  const settled = Promise.resolve()
    .then(() => runTurn(thread(), scenario))
    .then(
      (): Outcome => ({ status: "resolved" }),
      (error: unknown): Outcome => ({ status: "rejected", error }),
    );
  const outcome = await settledWithin(settled, 10_000).then((got) =>
    typeof got === "string" ? { status: got } : got,
  );
  return { rig, thread, outcome };
}

/** The sites of the actions a scenario runs every time (in two runs), to the turn's end. */
async function sitesOf(scenario: Scenario): Promise<Site[]> {
  const first = await sitesOfOneRun(scenario);
  const again = new Set((await sitesOfOneRun(scenario)).map(siteKey));
  return first.filter((site) => again.has(siteKey(site)));
}

/** The sites of the actions one run of a scenario runs, from the first to the turn's end. */
async function sitesOfOneRun(scenario: Scenario): Promise<Site[]> {
  const sites = new Map<string, Site>();
  let open = true;
  const { rig } = await runScenario(scenario, {
    inspect: (event) => {
      const site = open ? siteOf(event) : null;
      if (site) sites.set(siteKey(site), site);
    },
  });
  open = false;
  await settledWithin(rig.close(), 5_000);
  return [...sites.values()];
}

afterEach(() => {
  faultSeam.beforeAction = undefined;
});

describe("fault injection: any action of any actor of a turn throws", () => {
  const cases: Array<[string, Scenario, Site]> = [];

  it("finds the actions each scenario runs, in every state of the thread's lifecycle", async () => {
    const seen = new Set<string>();
    const states = new Set<string>();
    for (const scenario of SCENARIOS) {
      for (const site of await sitesOf(scenario)) {
        if (site.machine === "thread") states.add(site.state);
        if (seen.has(siteKey(site))) continue;
        seen.add(siteKey(site));
        cases.push([`${scenario.name}: ${siteKey(site)}`, scenario, site]);
      }
    }
    // Each state a transition leaves from (the passing `stopping` shows in its action).
    const wanted = ["idle", "acquiring", "attempting", "deciding", "backingOff"];
    expect(wanted.filter((state) => ![...states].some((seen) => seen.includes(state)))).toEqual([]);
    expect(cases.some(([, , site]) => site.action === "settleStopped")).toBe(true);
    expect(cases.length).toBeGreaterThan(20);
  });

  it("contains every one of them", async () => {
    const failures: string[] = [];
    let internal = 0;
    for (const [name, scenario, site] of cases) {
      let fired = false;
      faultSeam.beforeAction = (event) => {
        const here = siteOf(event);
        if (fired || !here || siteKey(here) !== siteKey(site)) return;
        fired = true;
        throw new Error(`injected fault at ${siteKey(site)}`);
      };
      const { rig, thread, outcome } = await runScenario(scenario);
      faultSeam.beforeAction = undefined;
      const problems: string[] = [];
      if ("error" in outcome) {
        if (!(outcome.error instanceof CodexError))
          problems.push(`rejected with an untyped ${String(outcome.error)}`);
        if (outcome.error instanceof InternalError) internal++;
      } else if (outcome.status !== "resolved") problems.push(`the turn was ${outcome.status}`);
      // The next turn settles too (the thread actor was replaced if it failed).
      const again = Promise.resolve().then(() => thread().run("again", { timeoutMs: 3_000 }));
      const next = await settledWithin(
        again.then(
          () => "settled",
          () => "settled",
        ),
        8_000,
      );
      if (next !== "settled") problems.push(`the next turn was ${next}`);
      const shutdown = await settledWithin(
        rig.codex.shutdown({ timeoutMs: 0 }).then(() => "resolved"),
        8_000,
      );
      if (shutdown !== "resolved") problems.push(`shutdown() was ${shutdown}`);
      const pids = rig.pids();
      await eventually(() => pids.every((pid) => !isAlive(pid)), "no codex left", 5_000).catch(() =>
        problems.push(`codex processes left: ${pids.filter(isAlive).join(", ")}`),
      );
      await settledWithin(rig.close(), 5_000);
      if (!fired) problems.push("the fault was never injected");
      if (problems.length > 0) failures.push(`${name}: ${problems.join("; ")}`);
      // Enough to tell what is wrong; a broken runtime would otherwise take minutes.
      if (failures.length >= 3) break;
    }
    expect(failures).toEqual([]);
    // Most faults strike before the turn settled: those turns fail with InternalError.
    expect(internal).toBeGreaterThan(cases.length / 3);
  }, 600_000);
});
