import { describe, expect, it } from "@jest/globals";
import { createInterface } from "node:readline";
import { hang, message, reply, shellCommand } from "../src/model-stand-in/index.js";
import { TurnInterruptedError } from "../src/types/app-server-errors.js";
import { collect } from "./support/collect.js";
import { startHost } from "./support/host.js";
import { eventually, processesMatching } from "./support/processes.js";
import { realCodex } from "./support/real-codex.js";

/**
 * A command whose shell exits at once: the sleep is no descendant of the server by then. The
 * shell waits until the sleep's session exists (it wrote its pid): codex ends a command's process
 * group when its shell exits, and on a loaded machine that used to catch the background job
 * before it had called `setsid`, so the sleep never ran (a stress-run flake).
 */
const detached = (sleep: string) =>
  `setsid sh -c 'echo $$ > detached.pid; exec ${sleep}' </dev/null >/dev/null 2>&1 & ` +
  `until [ -s detached.pid ]; do sleep 0.1; done; echo detached`;

describe("the commands of an app-server turn", () => {
  it("a command that detaches into a session of its own does not outlive its completed turn", async () => {
    const sleep = "sleep 311.5";
    const rig = await realCodex([reply(shellCommand(detached(sleep))), reply(message("done"))]);
    const codex = rig.makeCodex({ transport: "app-server" });
    const turn = await rig.startThread(codex).run("run it");
    expect(turn.finalResponse).toBe("done");
    expect(turn.items).toContainEqual(
      expect.objectContaining({ type: "command_execution", exit_code: 0 }),
    );
    expect(processesMatching(sleep)).toEqual([]);
    await codex.shutdown();
  });

  it("a detached command of an interrupted turn outlives neither the turn nor shutdown()", async () => {
    const sleep = "sleep 311.6";
    const rig = await realCodex([reply(shellCommand(detached(sleep))), hang()]);
    const codex = rig.makeCodex({ transport: "app-server" });
    const turn = await rig.startThread(codex).runStreamed("run it");
    for (;;) {
      const { done, value } = await turn.events.next();
      if (done) throw new Error("the turn ended before its command completed");
      if (value.type === "item.completed" && value.item.type === "command_execution") break;
    }
    const appeared = () => processesMatching(sleep).length > 0;
    await eventually(appeared, "the detached command to run", 10_000);
    const end = collect(turn.events);
    await turn.interrupt();
    expect((await end).error).toBeInstanceOf(TurnInterruptedError);
    expect(processesMatching(sleep)).toEqual([]);
    await codex.shutdown();
    expect(processesMatching(sleep)).toEqual([]);
  });

  it("a host killed with SIGKILL takes with it a command of its thread that detached into a session of its own", async () => {
    // Forked by a subshell that exits at once, the first sleep is orphaned: no descendant of the
    // server. (`$n`: the shell's own command line does not hold the sleeps' arguments.)
    const command = "n=311; (setsid sleep $n.7 </dev/null >/dev/null 2>&1 &); sleep $n.8";
    const rig = await realCodex([reply(shellCommand(command)), reply(message("never"))]);
    const host = startHost(rig, "long-command", "app-server");
    for await (const line of createInterface({ input: host.stdout! })) if (line) break;
    await eventually(
      () =>
        processesMatching("sleep 311.7").length === 1 &&
        processesMatching("sleep 311.8").length === 1,
      "the commands",
      10_000,
    );

    host.kill("SIGKILL");
    await eventually(
      () => processesMatching("sleep 311.7").length + processesMatching("sleep 311.8").length === 0,
      "both commands to die",
      10_000,
    );
  });
});
