import type { StateValue } from "xstate";

/** A state of a machine as the page draws it: a box, with its nested states inside. */
export type ChartState = {
  key: string;
  /** Dotted path from the machine's root (`busy.backingOff`); "" for the root. */
  path: string;
  type: string;
  initial: string | null;
  /** The events it reacts to (its own transitions, not its ancestors'). */
  events: string[];
  states: ChartState[];
};

/** What the page needs of a machine definition. */
type StateNodeLike = {
  key: string;
  type: string;
  initial?: { target?: ReadonlyArray<{ key: string }> };
  on?: Record<string, unknown>;
  after?: ReadonlyArray<{ eventType: string }>;
  always?: unknown;
  states?: Record<string, StateNodeLike>;
};

/** The nested states of an xstate machine (its `root` state node), or null for other logic. */
export function chartOf(logic: unknown): ChartState | null {
  const root = (logic as { root?: StateNodeLike } | null)?.root;
  return root && root.states ? walk(root, "") : null;
}

function walk(node: StateNodeLike, path: string): ChartState {
  const events = Object.keys(node.on ?? {}).filter((name) => !name.startsWith("xstate."));
  if (node.after?.length) events.push("after");
  if (node.always) events.push("always");
  return {
    key: node.key,
    path,
    type: node.type,
    initial: node.initial?.target?.[0]?.key ?? null,
    events,
    states: Object.values(node.states ?? {}).map((child) =>
      walk(child, path ? `${path}.${child.key}` : child.key),
    ),
  };
}

/** The dotted paths of every active state: `{ busy: "attempting" }` → `["busy", "busy.attempting"]`. */
export function activePaths(value: StateValue, prefix = ""): string[] {
  const join = (key: string) => (prefix ? `${prefix}.${key}` : key);
  if (typeof value === "string") return [join(value)];
  return Object.entries(value).flatMap(([key, child]) => [
    join(key),
    ...(child ? activePaths(child, join(key)) : []),
  ]);
}
