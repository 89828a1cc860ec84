import { execa, type ResultPromise } from "execa";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Codex } from "../../src/index.js";
import { RpcConnection } from "../../src/transports/app-server/rpc-connection.js";
import type { CodexOptions } from "../../src/types/options.js";
import { killGroup } from "./app-server.js";
import { hermeticEnv } from "./hermetic-env.js";
import { atTeardown, tempDir, tracked } from "./rig-registry.js";

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

/** A `Codex` on the app-server transport whose server is the fake, and the pids it started. */
export type FakeServerRig = {
  codex: Codex<"app-server">;
  serverPids: () => number[];
  /** The file where a `flood` step counts the deltas it has written. */
  progressFile: string;
};

/**
 * A `Codex` (`transport: "app-server"`) running the fake app-server as its binary: `scenario`
 * for every start, or `{ runs }` for one list of steps per start. Shut down after the test.
 */
export function fakeServerCodex(
  scenario: FakeStep[] | { runs: FakeStep[][] },
  options: Omit<CodexOptions, "transport"> = {},
): FakeServerRig {
  const dir = tempDir("fake-app-server");
  const record = path.join(dir, "starts.jsonl");
  const codex = tracked(
    new Codex({
      transport: "app-server",
      codexPathOverride: FAKE_APP_SERVER,
      env: hermeticEnv({
        FAKE_APP_SERVER_SCENARIO: JSON.stringify(scenario),
        FAKE_APP_SERVER_STATE: path.join(dir, "state"),
        FAKE_APP_SERVER_RECORD: record,
        FAKE_APP_SERVER_PROGRESS: path.join(dir, "progress"),
      }),
      ...options,
    }),
  );
  const serverPids = () => {
    try {
      return readFileSync(record, "utf8")
        .trim()
        .split("\n")
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as { pid: number }).pid);
    } catch {
      return [];
    }
  };
  return { codex, serverPids, progressFile: path.join(dir, "progress") };
}
