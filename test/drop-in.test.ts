import { describe, expect, it } from "@jest/globals";
import type * as Official from "@openai/codex-sdk";
import { Codex, type ThreadEvent, type ThreadOptions, type TurnOptions } from "../src/index.js";
import { mockCodex } from "./support/mock-codex.js";

/** A handler from the official README, its type import switched to codex-actors. */
function officialStyleHandler(event: ThreadEvent): string {
  switch (event.type) {
    case "item.completed":
      return `item ${event.item.type}`;
    case "turn.completed":
      return `usage ${event.usage.input_tokens}`;
    default:
      return event.type;
  }
}

describe("a drop-in for @openai/codex-sdk", () => {
  it("takes the official option objects as they are", () => {
    const threadOptions: Official.ThreadOptions = { model: "gpt-5.5", sandboxMode: "read-only" };
    const turnOptions: Official.TurnOptions = { outputSchema: { type: "object" } };
    const ours: [ThreadOptions, TurnOptions] = [threadOptions, turnOptions];
    expect(ours).toHaveLength(2);
  });

  it("runs the official quickstart unchanged", async () => {
    const rig = mockCodex([{ turn: "Here is the diagnosis." }]);
    const codex: Codex = rig.codex;
    const thread = codex.startThread();
    const turn = await thread.run("Diagnose the test failure and propose a fix");
    expect(turn.finalResponse).toBe("Here is the diagnosis.");
    expect(turn.items).toHaveLength(1);

    const { events } = await thread.runStreamed("Implement the fix");
    const handled: string[] = [];
    for await (const event of events) handled.push(officialStyleHandler(event));
    expect(handled).toEqual(["thread.started", "turn.started", "item agent_message", "usage 10"]);

    const resumed = codex.resumeThread(thread.id!);
    expect((await resumed.run("Implement the fix")).finalResponse).toBe("Here is the diagnosis.");
  });
});
