import { Codex, type TransportName } from "../../src/index.js";
import {
  startModelStandIn,
  type RunningStandIn,
  type StandInOptions,
  type StandInScript,
} from "../../src/testing/index.js";
import type { CodexOptions } from "../../src/types/options.js";
import { hermeticEnv } from "./hermetic-env.js";
import { atTeardown } from "./rig-registry.js";

/** The kit's stand-in with the run's marker, and a `Codex` on it; both torn down after the test. */
export async function kitStandIn<X extends TransportName = "exec">(
  script: StandInScript,
  options: CodexOptions & { transport?: X } = {},
  standInOptions: StandInOptions = {},
): Promise<{ standIn: RunningStandIn; codex: Codex<X> }> {
  const standIn = await startModelStandIn(script, {
    ...standInOptions,
    env: { ...hermeticEnv(), ...standInOptions.env },
  });
  atTeardown("the kit's model stand-in", () => standIn.close());
  const codex = new Codex<X>({ ...standIn.codexOptions, ...options } as CodexOptions & {
    transport?: X;
  });
  atTeardown("a Codex on the kit's stand-in", () => codex.shutdown({ timeoutMs: 0 }));
  return { standIn, codex };
}
