import { execa, type ResultPromise } from "execa";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { locateCodexBinary } from "../../src/process/codex-binary.js";
import { flattenConfig } from "../../src/process/toml-config.js";
import { ModelStandIn, standInConfig, type StandInReply } from "../../src/model-stand-in/index.js";
import {
  approvalKindOf,
  approvalResponse,
  mapApprovalRequest,
  recordApprovalDecision,
} from "../../src/transports/app-server/map-approval.js";
import { mapNotification } from "../../src/transports/app-server/map-notification.js";
import { call, initialize } from "../../src/transports/app-server/methods.js";
import { RpcConnection } from "../../src/transports/app-server/rpc-connection.js";
import {
  initialTurnMapState,
  type MappedEvent,
  type TurnOutcome,
} from "../../src/transports/app-server/turn-map-state.js";
import type { ApprovalDecision, ApprovalRequestedEvent } from "../../src/types/app-server.js";
import { hermeticEnv } from "./hermetic-env.js";
import { MODEL } from "./real-codex.js";
import { atTeardown, tempDir } from "./rig-registry.js";

/** `codex app-server` on a fresh stand-in, HOME and CODEX_HOME, with our connection on its stdio. */
export type AppServerRig = {
  standIn: ModelStandIn;
  server: ResultPromise;
  connection: RpcConnection;
  workdir: string;
  /** A new thread in the working folder; by default it asks before it runs anything. */
  startThread: (
    approvalPolicy?: "untrusted" | "on-request" | "never",
    sandbox?: "read-only" | "workspace-write" | "danger-full-access",
  ) => Promise<string>;
  /** Runs one turn to its end, answering each approval with `decide`. */
  runTurn: (
    threadId: string,
    text: string,
    decide?: (request: ApprovalRequestedEvent) => ApprovalDecision,
  ) => Promise<{ events: MappedEvent[]; outcome: TurnOutcome }>;
};

/**
 * Spawns `codex app-server` (leading its own process group) against a stand-in playing `script`,
 * without the handshake. The server is killed with its group after the test, whatever happens.
 */
export async function spawnAppServer(script: StandInReply[] = []): Promise<AppServerRig> {
  const root = tempDir("app-server");
  const [home, codexHome, workdir] = ["home", "codex-home", "work"].map((name) => {
    mkdirSync(path.join(root, name));
    return path.join(root, name);
  }) as [string, string, string];
  const standIn = await ModelStandIn.start(script);
  atTeardown("the model stand-in", () => standIn.close());
  const config = { ...standInConfig(standIn.url), allow_login_shell: false };
  const flags = flattenConfig(config).flatMap((override) => ["--config", override]);
  // The binary every Codex runs (CODEX_ACTORS_CODEX_PATH names another), its helpers on PATH.
  const binary = locateCodexBinary();
  const env = hermeticEnv({ HOME: home, CODEX_HOME: codexHome, CODEX_API_KEY: "test-key" });
  env.PATH = [...binary.pathDirs, env.PATH].join(path.delimiter);
  const server = execa(binary.executablePath, [...flags, "app-server"], {
    env,
    extendEnv: false,
    detached: true,
    buffer: false,
    reject: false,
    stderr: "ignore",
  });
  atTeardown("the codex app-server", () => killGroup(server));
  const connection = new RpcConnection({ input: server.stdout!, output: server.stdin! });
  return {
    standIn,
    server,
    connection,
    workdir,
    startThread: async (approvalPolicy = "untrusted", sandbox = "danger-full-access") => {
      const { thread } = await call(connection, "thread/start", {
        cwd: workdir,
        approvalPolicy,
        sandbox,
        model: MODEL,
      });
      return thread.id;
    },
    runTurn: (threadId, text, decide = () => "decline") =>
      runTurn(connection, threadId, text, decide),
  };
}

/** `spawnAppServer`, then the handshake through our connection. */
export async function appServer(script: StandInReply[] = []): Promise<AppServerRig> {
  const rig = await spawnAppServer(script);
  await initialize(rig.connection, { name: "codex-actors-test", title: null, version: "0" });
  return rig;
}

async function runTurn(
  connection: RpcConnection,
  threadId: string,
  text: string,
  decide: (request: ApprovalRequestedEvent) => ApprovalDecision,
): Promise<{ events: MappedEvent[]; outcome: TurnOutcome }> {
  let state = initialTurnMapState(threadId);
  const events: MappedEvent[] = [];
  let ended!: (outcome: TurnOutcome) => void;
  const outcome = new Promise<TurnOutcome>((resolve) => (ended = resolve));
  const ofThisThread = (params: unknown) =>
    (params as { threadId?: string } | undefined)?.threadId ?? threadId;
  const stopNotifications = connection.onNotification((notification) => {
    if (ofThisThread(notification.params) !== threadId) return;
    const step = mapNotification(state, notification);
    state = step.state;
    events.push(...step.events);
    if (step.outcome) ended(step.outcome);
  });
  const stopRequests = connection.onServerRequest((request) => {
    if (!approvalKindOf(request)) {
      connection.respondError(request.id, { code: -32601, message: "not handled" });
      return;
    }
    const step = mapApprovalRequest(state, request);
    events.push(...step.events);
    const decision = decide(step.events[0] as ApprovalRequestedEvent);
    state = recordApprovalDecision(step.state, request.id, decision);
    connection.respond(request.id, approvalResponse(request, decision));
  });
  try {
    await call(connection, "turn/start", {
      threadId,
      input: [{ type: "text", text, text_elements: [] }],
    });
    const closed = connection.closed.then((error) => Promise.reject(error));
    closed.catch(() => undefined); // Only the race below reports it.
    return { events, outcome: await Promise.race([outcome, closed]) };
  } finally {
    stopNotifications();
    stopRequests();
  }
}

/** Ends a server's whole process group: SIGTERM, then SIGKILL if it lingers 2 s. */
export async function killGroup(server: ResultPromise): Promise<void> {
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-server.pid!, name);
    } catch {
      // The group is gone already.
    }
  };
  signal("SIGTERM");
  const late = setTimeout(() => signal("SIGKILL"), 2_000);
  await server;
  clearTimeout(late);
  signal("SIGKILL");
}
