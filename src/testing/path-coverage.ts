import type { AnyMachineSnapshot, AnyStateMachine, AnyStateNode, EventObject } from "xstate";
import type { TestModel, TestPath } from "xstate/graph";
import { stateName } from "../machines/snapshot-tree.js";

/** A test model over an abstract lifecycle machine (its own snapshot and event types erased). */
export type LifecycleModel = TestModel<AnyMachineSnapshot, EventObject, unknown>;

/** A generated path of a lifecycle model. */
export type LifecyclePath = TestPath<AnyMachineSnapshot, EventObject>;

/** What a set of paths covers of a model, and what there is to cover. */
export type Coverage = {
  paths: number;
  steps: number;
  states: { covered: Set<string>; all: Set<string> };
  /** `state --EVENT--> state`, by state value. */
  transitions: { covered: Set<string>; all: Set<string> };
  /** Edges of the model's adjacency map (state value and context, and how it was reached). */
  edges: { covered: Set<string>; all: Set<string> };
};

type Edge = { event: EventObject; to: string };

/** The model's own serializers: vertices are its states with how they were reached. */
const serializersOf = (model: LifecycleModel) => ({
  state: model.options.serializeState!,
  event: model.options.serializeEvent!,
});

/** The events of a path, without the `xstate.init` step the generators put first. */
export const eventsOf = (path: LifecyclePath): EventObject[] =>
  path.steps.map((step) => step.event).filter((event) => event.type !== "xstate.init");

/** Every atomic state of a machine, as dotted names (`running.spawning`). */
export function atomicStates(machine: AnyStateMachine): Set<string> {
  const names = new Set<string>();
  const walk = (node: AnyStateNode, prefix: string[]) => {
    const children = Object.entries(node.states);
    if (children.length === 0 && prefix.length > 0) names.add(prefix.join("."));
    for (const [key, child] of children) walk(child, [...prefix, key]);
  };
  walk(machine.root, []);
  return names;
}

/**
 * Paths that take every edge of the model's adjacency map: the model's shortest paths, plus for
 * each edge they miss the shortest path to its source and the edge itself; every path is then
 * continued along the shortest way to a state where `isDone` holds, so each ends settled.
 */
export function coveringPaths(
  model: LifecycleModel,
  isDone: (snapshot: AnyMachineSnapshot) => boolean,
): LifecyclePath[] {
  const graph = adjacencyOf(model);
  const shortest = model.getShortestPaths({ allowDuplicatePaths: true });
  const prefixTo = new Map<string, EventObject[]>();
  for (const path of shortest) {
    const key = vertexKeysOf(model, path).at(-1)!;
    const events = eventsOf(path);
    if ((prefixTo.get(key)?.length ?? Infinity) > events.length) prefixTo.set(key, events);
  }
  const candidates: EventObject[][] = [];
  const covered = new Set<string>();
  const add = (events: EventObject[]) => {
    const path = model.getPathsFromEvents(events)[0]!;
    const full = [...events, ...toDone(model, graph, vertexKeysOf(model, path).at(-1)!, isDone)];
    candidates.push(full);
    for (const edge of edgesOf(model, model.getPathsFromEvents(full)[0]!)) covered.add(edge);
  };
  for (const path of model.getShortestPaths()) add(eventsOf(path));
  for (const [from, { edges }] of graph) {
    for (const [eventKey, edge] of edges) {
      if (covered.has(`${from} ⇒ ${eventKey}`)) continue;
      add([...prefixTo.get(from)!, edge.event]);
    }
  }
  const serialized = candidates.map((events) => events.map((e) => serializersOf(model).event(e)));
  const maximal = candidates.filter(
    (_, i) => !serialized.some((other, j) => j !== i && isPrefix(serialized[i]!, other, i > j)),
  );
  return maximal.map((events) => model.getPathsFromEvents(events)[0]!);
}

/** What `paths` cover of `model` (states, transitions by value, adjacency edges). */
export function coverageOf(
  model: LifecycleModel,
  machine: AnyStateMachine,
  paths: LifecyclePath[],
): Coverage {
  const graph = adjacencyOf(model);
  const coverage: Coverage = {
    paths: paths.length,
    steps: 0,
    states: { covered: new Set(), all: atomicStates(machine) },
    transitions: { covered: new Set(), all: new Set() },
    edges: { covered: new Set(), all: new Set() },
  };
  for (const [from, { state, edges }] of graph) {
    for (const [eventKey, edge] of edges) {
      coverage.edges.all.add(`${from} ⇒ ${eventKey}`);
      const to = graph.get(edge.to)!.state;
      coverage.transitions.all.add(transitionName(state, edge.event, to));
    }
  }
  for (const path of paths) {
    const states = path.steps.map((step) => step.state);
    coverage.steps += states.length - 1;
    for (const state of states) coverage.states.covered.add(stateName(state.value));
    for (const edge of edgesOf(model, path)) coverage.edges.covered.add(edge);
    path.steps.slice(1).forEach((step, i) => {
      coverage.transitions.covered.add(transitionName(states[i]!, step.event, step.state));
    });
  }
  return coverage;
}

/** A short table of a coverage, for the test output. */
export function coverageTable(name: string, coverage: Coverage): string {
  const row = (what: string, { covered, all }: { covered: Set<string>; all: Set<string> }) =>
    `  ${what.padEnd(34)} ${String(covered.size).padStart(3)}/${all.size}`;
  return [
    `${name}: ${coverage.paths} paths, ${coverage.steps} steps run against the real actors`,
    row("states covered", coverage.states),
    row("transitions covered (by state)", coverage.transitions),
    row("adjacency edges covered", coverage.edges),
  ].join("\n");
}

const transitionName = (from: AnyMachineSnapshot, event: EventObject, to: AnyMachineSnapshot) =>
  `${stateName(from.value)} --${event.type}--> ${stateName(to.value)}`;

function isPrefix(shorter: string[], longer: string[], tieBreak: boolean): boolean {
  if (shorter.length > longer.length) return false;
  if (shorter.length === longer.length && !tieBreak) return false;
  return shorter.every((event, i) => event === longer[i]);
}

/** The model's adjacency map, keyed by serialized vertex. */
function adjacencyOf(model: LifecycleModel) {
  const graph = new Map<string, { state: AnyMachineSnapshot; edges: Map<string, Edge> }>();
  const adjacency = model.getAdjacencyMap();
  for (const [from, { state, transitions }] of Object.entries(adjacency)) {
    const edges = new Map<string, Edge>();
    const nexts = Object.entries(transitions) as Array<
      [string, Edge & { state: AnyMachineSnapshot }]
    >;
    for (const [eventKey, next] of nexts) {
      edges.set(eventKey, {
        event: next.event,
        to: serializersOf(model).state(next.state, next.event, state),
      });
    }
    graph.set(from, { state, edges });
  }
  return graph;
}

/** The serialized vertex after each step of a path (the first is the initial state). */
function vertexKeysOf(model: LifecycleModel, path: LifecyclePath): string[] {
  const serializeState = serializersOf(model).state;
  return path.steps.map((step, i) =>
    i === 0
      ? serializeState(step.state, undefined, undefined)
      : serializeState(step.state, step.event, path.steps[i - 1]!.state),
  );
}

function edgesOf(model: LifecycleModel, path: LifecyclePath): string[] {
  const keys = vertexKeysOf(model, path);
  return path.steps
    .slice(1)
    .map((step, i) => `${keys[i]} ⇒ ${serializersOf(model).event(step.event)}`);
}

/** The events of the shortest way from vertex `from` to one where `isDone` holds. */
function toDone(
  model: LifecycleModel,
  graph: ReturnType<typeof adjacencyOf>,
  from: string,
  isDone: (snapshot: AnyMachineSnapshot) => boolean,
): EventObject[] {
  const way = new Map<string, EventObject[]>([[from, []]]);
  const queue = [from];
  for (let key = queue.shift(); key !== undefined; key = queue.shift()) {
    const vertex = graph.get(key)!;
    if (isDone(vertex.state)) return way.get(key)!;
    for (const edge of vertex.edges.values()) {
      if (way.has(edge.to)) continue;
      way.set(edge.to, [...way.get(key)!, edge.event]);
      queue.push(edge.to);
    }
  }
  throw new Error(`no settled state is reachable from ${from}`);
}
