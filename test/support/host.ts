import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { RealCodexRig } from "./real-codex.js";
import { atTeardown } from "./rig-registry.js";

const HOST = fileURLToPath(new URL("../fixtures/host.mjs", import.meta.url));

/**
 * Runs the host program (test/fixtures/host.mjs, the built library in a process of its own) in
 * the rig's environment; it is killed after the test if still alive.
 */
export function startHost(
  rig: RealCodexRig,
  mode: "one-turn" | "long-command" | "abandoned-approval",
  transport: "exec" | "app-server" = "exec",
) {
  const host = spawn(process.execPath, [HOST, rig.standIn.url, rig.workdir, mode, transport], {
    env: rig.env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  atTeardown("the host process", () => host.kill("SIGKILL"));
  return host;
}
