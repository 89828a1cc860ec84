import { execa, type ResultPromise } from "execa";
import { fileURLToPath } from "node:url";
import { RpcConnection } from "../../src/transports/app-server/rpc-connection.js";
import { killGroup } from "./app-server.js";
import { hermeticEnv } from "./hermetic-env.js";
import { atTeardown } from "./rig-registry.js";

/** The scripted fake app-server. */
export const FAKE_APP_SERVER = fileURLToPath(
  new URL("../../scripts/fake-app-server/fake-app-server.mjs", import.meta.url),
);

/** A fake-app-server step (see scripts/fake-app-server/README.md). */
export type FakeStep = Record<string, unknown>;

/**
 * Spawns the fake app-server with `scenario`, leading its own process group, with our connection
 * on its stdio. It is killed with its group after the test, whatever happens.
 */
export function fakeAppServer(scenario: FakeStep[]): {
  server: ResultPromise;
  connection: RpcConnection;
} {
  const server = execa(process.execPath, [FAKE_APP_SERVER], {
    env: hermeticEnv({ FAKE_APP_SERVER_SCENARIO: JSON.stringify(scenario) }),
    extendEnv: false,
    detached: true,
    buffer: false,
    reject: false,
    stderr: "ignore",
  });
  atTeardown("the fake app-server", () => killGroup(server));
  return {
    server,
    connection: new RpcConnection({ input: server.stdout!, output: server.stdin! }),
  };
}
