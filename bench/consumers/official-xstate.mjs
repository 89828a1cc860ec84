// The xstate floor: the official SDK with each turn run inside one xstate actor, as the least an
// SDK that runs its turns as xstate actors pays on top of it (loading xstate, building a machine,
// starting an actor per turn). Only `run` is wrapped; that is what scenario 7 calls.
import { createRequire } from "node:module";
import { Codex as OfficialCodex } from "@openai/codex-sdk";

// The same `require` of xstate's CommonJS build that codex-actors' bundle makes.
const { assign, createActor, fromPromise, setup, toPromise } = createRequire(import.meta.url)(
  "xstate",
);

const turnMachine = setup({
  actors: { turn: fromPromise(({ input }) => input()) },
}).createMachine({
  context: ({ input }) => ({ start: input, result: undefined }),
  initial: "running",
  states: {
    running: {
      invoke: {
        src: "turn",
        input: ({ context }) => context.start,
        onDone: { target: "completed", actions: assign({ result: ({ event }) => event.output }) },
      },
    },
    completed: { type: "final" },
  },
  output: ({ context }) => context.result,
});

// `Codex` as the official SDK has it, whose threads run each turn in an actor.
export class ActorWrappedCodex {
  constructor(options) {
    this.codex = new OfficialCodex(options);
  }

  startThread(options) {
    const thread = this.codex.startThread(options);
    return {
      get id() {
        return thread.id;
      },
      run: (input, turnOptions) =>
        toPromise(
          createActor(turnMachine, { input: () => thread.run(input, turnOptions) }).start(),
        ),
      runStreamed: (input, turnOptions) => thread.runStreamed(input, turnOptions),
    };
  }
}
