import type { AnyActorLogic, AnyActorRef, EventObject } from "xstate";

const STOP: EventObject = { type: "xstate.stop" };

/**
 * `logic` whose transitions never throw. xstate ends an actor whose action, guard or inspector
 * throws in `error`, but leaves its children running (a process actor's codex with them); here
 * the same fault first stops the children (their cleanup kills their processes), then ends the
 * actor in `error`, which its parent takes as `xstate.error.actor.<id>` on its error path.
 */
export function containFaults<TLogic extends AnyActorLogic>(logic: TLogic): TLogic {
  const contained = Object.create(logic) as TLogic;
  contained.transition = (snapshot, event, scope) => {
    try {
      return logic.transition(snapshot, event, scope);
    } catch (error) {
      return { ...stopped(logic, snapshot, scope), status: "error", error };
    }
  };
  return contained;
}

/**
 * The snapshot with every child stopped. If even stopping faults (the actor's own exit actions
 * throw), its children are stopped one by one, so their cleanup still kills their processes.
 */
function stopped<TLogic extends AnyActorLogic>(
  logic: TLogic,
  snapshot: Parameters<TLogic["transition"]>[0],
  scope: Parameters<TLogic["transition"]>[2],
): ReturnType<TLogic["transition"]> {
  try {
    return logic.transition(snapshot, STOP, scope);
  } catch {
    const { children = {} } = snapshot as { children?: Record<string, AnyActorRef | undefined> };
    for (const child of Object.values(children)) if (child) scope.stopChild(child);
    return snapshot;
  }
}
