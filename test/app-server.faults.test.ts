import { describe, expect, it } from "@jest/globals";
import { Codex } from "../src/index.js";
import { hang, message, reply } from "../src/model-stand-in/index.js";
import { AppServerClosedError, UnsupportedError } from "../src/types/app-server-errors.js";
import { InvalidOptionError } from "../src/types/errors.js";
import { eventually, isAlive } from "./support/processes.js";
import { realCodex } from "./support/real-codex.js";
import { tracked } from "./support/rig-registry.js";

const quickRestarts = { backoff: { initialMs: 10, jitter: false } };

describe("the app-server transport under faults", () => {
  it("the server SIGKILLed mid-turn: a new server resumes the thread and the turn succeeds (attempts 2)", async () => {
    const rig = await realCodex([hang(), reply(message("recovered"))]);
    const codex = rig.makeCodex({ transport: "app-server", supervision: quickRestarts });
    const thread = rig.startThread(codex);
    const turn = await thread.runStreamed("go");
    const types: string[] = [];
    let killed: number | undefined;
    for await (const event of turn.events) {
      types.push(event.type);
      if (event.type === "turn.started" && killed === undefined) {
        // Killed once its model request hangs (before, the restart's request would take the hang).
        await eventually(() => rig.standIn.requests.length === 1, "the model request", 10_000);
        killed = codex.getSnapshot().server!.pid!;
        process.kill(killed, "SIGKILL");
      }
    }
    const result = await turn.result;

    expect(result.finalResponse).toBe("recovered");
    expect(result.attempts).toBe(2);
    expect(types).toContain("turn.restarted");
    await eventually(() => !isAlive(killed!), "the killed server to be gone", 3_000);
    const server = codex.getSnapshot().server!;
    expect(server.restarts).toBe(1);
    expect(server.pid).not.toBe(killed);
    // The restart resumed the same thread: both model requests carry its conversation.
    expect(rig.standIn.requests).toHaveLength(2);
  });

  it("under supervision: false, a server crash fails the turn with AppServerClosedError", async () => {
    const rig = await realCodex([hang()]);
    const codex = rig.makeCodex({ transport: "app-server", supervision: false });
    const thread = rig.startThread(codex);
    const turn = await thread.runStreamed("go");
    const reading = (async () => {
      for await (const event of turn.events) {
        if (event.type === "turn.started")
          process.kill(codex.getSnapshot().server!.pid!, "SIGKILL");
      }
    })();
    await expect(reading).rejects.toBeInstanceOf(AppServerClosedError);
  });
});

describe("options of the app-server transport", () => {
  it("refuses onApproval on the exec transport (UnsupportedError naming app-server)", () => {
    const onApproval = () => "accept" as const;
    expect(() => new Codex({ onApproval })).toThrow(UnsupportedError);
    expect(() => new Codex({ onApproval })).toThrow(/transport: "app-server"/);
    const codex = tracked(new Codex());
    expect(() => codex.startThread({ onApproval })).toThrow(UnsupportedError);
  });

  it("refuses a handler with approvalPolicy never, an unknown transport, a bad approvalTimeoutMs", () => {
    const codex = tracked(new Codex({ transport: "app-server", onApproval: () => "decline" }));
    expect(() => codex.startThread({ approvalPolicy: "never" })).toThrow(InvalidOptionError);
    expect(() => new Codex({ transport: "grpc" as "exec" })).toThrow(InvalidOptionError);
    expect(() => new Codex({ transport: "app-server", approvalTimeoutMs: 0 })).toThrow(
      /approvalTimeoutMs/,
    );
  });
});
