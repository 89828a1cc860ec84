import type { AnyActorRef, StateValue } from "xstate";
import type { CodexActorRef } from "../machines/codex.machine.js";
import { snapshotTree, type CodexTreeSnapshot } from "../machines/snapshot-tree.js";
import { activePaths, chartOf, type ChartState } from "./statechart.js";

/** One actor as the page shows it: which machine it runs, and its active states. */
export type ActorView = { machine: string | null; active: string[] };

/**
 * What the page draws of the tree: the public snapshot (root → threads → turn, the service), and
 * per actor its machine and active states. Actors are named `root`, `service`, the thread's key,
 * and `<thread key>/attempt`.
 */
export type TreeView = {
  /** When it was read (ms since the epoch). */
  at: number;
  snapshot: CodexTreeSnapshot;
  actors: Record<string, ActorView>;
};

/** Reads the tree of one Codex, giving each machine met a chart id (charts registered in `charts`). */
export class TreeReader {
  private readonly chartIds = new WeakMap<object, string | null>();
  /** Every machine met so far, by chart id. */
  readonly charts = new Map<string, ChartState>();

  constructor(private readonly root: CodexActorRef) {}

  /** The tree now. */
  read(): TreeView {
    const actors: Record<string, ActorView> = { root: this.view(this.root) };
    const children = this.root.getSnapshot().children as Record<string, AnyActorRef | undefined>;
    for (const [key, child] of Object.entries(children)) {
      if (!child) continue;
      actors[key] = this.view(child);
      const attempt = (child.getSnapshot() as { children?: Record<string, AnyActorRef> }).children
        ?.attempt;
      if (attempt) actors[`${key}/attempt`] = this.view(attempt);
    }
    return { at: Date.now(), snapshot: snapshotTree(this.root), actors };
  }

  private view(actor: AnyActorRef): ActorView {
    const value = (actor.getSnapshot() as { value?: StateValue }).value;
    return {
      machine: this.chartId((actor as { logic?: object }).logic ?? {}),
      active: value ? activePaths(value) : [],
    };
  }

  private chartId(logic: object): string | null {
    if (this.chartIds.has(logic)) return this.chartIds.get(logic)!;
    const chart = chartOf(logic);
    let id: string | null = null;
    if (chart) {
      const name = (logic as { id?: string }).id ?? "machine";
      id = this.charts.has(name) ? `${name}#${this.charts.size}` : name;
      this.charts.set(id, chart);
    }
    this.chartIds.set(logic, id);
    return id;
  }
}
