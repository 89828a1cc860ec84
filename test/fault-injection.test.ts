import { afterEach, describe, expect, it } from "@jest/globals";
import type { InspectionEvent } from "xstate";
import { CodexError, InternalError, type CodexOptions, type TurnOptions } from "../src/index.js";
import { faultSeam } from "../src/supervision/fault-seam.js";
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

type Scenario = {
  name: string;
  attempts: MockStep[][];
  turn: TurnOptions;
  backoffMs?: number;
};

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
    turn: { timeoutMs: 300 },
  },
  {
    name: "meets its deadline while backing off",
    attempts: [[...started, { signal: "SIGKILL" }], [{ turn: "done" }]],
    turn: { timeoutMs: 300 },
    backoffMs: 5_000,
  },
];

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

/** `promise`'s outcome, or `pending after …` when it takes longer than `ms`. */
const within = <T>(promise: Promise<T>, ms: number): Promise<T | string> =>
  Promise.race([
    promise,
    new Promise<string>((resolve) => setTimeout(() => resolve(`pending after ${ms} ms`), ms)),
  ]);

/** Runs one turn of `scenario` on a fresh rig; the seam is whatever the caller set. */
async function runScenario(scenario: Scenario, options: CodexOptions = {}) {
  const rig = mockCodex(
    { attempts: scenario.attempts },
    { supervision: { restart: "transient", ...backoff(scenario.backoffMs) }, ...options },
  );
  const thread = () => rig.codex.startThread();
  const settled = Promise.resolve()
    .then(() => thread().run("hi", scenario.turn))
    .then(
      (): Outcome => ({ status: "resolved" }),
      (error: unknown): Outcome => ({ status: "rejected", error }),
    );
  const outcome = await within(settled, 10_000).then((got) =>
    typeof got === "string" ? { status: got } : got,
  );
  return { rig, thread, outcome };
}

/** The sites of the actions a scenario runs, from the first to the turn's end. */
async function sitesOf(scenario: Scenario): Promise<Site[]> {
  const sites = new Map<string, Site>();
  let open = true;
  const { rig } = await runScenario(scenario, {
    inspect: (event) => {
      const site = open ? siteOf(event) : null;
      if (site) sites.set(siteKey(site), site);
    },
  });
  open = false;
  await within(rig.close(), 5_000);
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
      const next = await within(
        again.then(
          () => "settled",
          () => "settled",
        ),
        5_000,
      );
      if (next !== "settled") problems.push(`the next turn was ${next}`);
      const shutdown = await within(
        rig.codex.shutdown({ timeoutMs: 0 }).then(() => "resolved"),
        5_000,
      );
      if (shutdown !== "resolved") problems.push(`shutdown() was ${shutdown}`);
      const pids = rig.records().flatMap((record) => (record.pid ? [record.pid] : []));
      await eventually(() => pids.every((pid) => !isAlive(pid)), "no codex left", 5_000).catch(() =>
        problems.push(`codex processes left: ${pids.filter(isAlive).join(", ")}`),
      );
      await within(rig.close(), 5_000);
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
