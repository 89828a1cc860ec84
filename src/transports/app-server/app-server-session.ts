import { DEFAULT_POLICY, resolvePolicy } from "../../supervision/policy.js";
import type { ThreadAdmin, TransportOpening, TransportSession } from "../transport.js";
import { DEFAULT_APPROVAL_TIMEOUT_MS, type ApprovalSettings } from "./approval-decision.js";
import { AppServerLink } from "./server-link.js";
import type { ServerInput } from "./server.machine.js";
import {
  forkThread,
  listMcpServers,
  listModels,
  listThreads,
  readAccount,
  readRateLimits,
  setArchived,
  deleteThread,
  setThreadName,
} from "./thread-admin.js";

/** What a thread on the app-server needs beyond the common settings. */
export type AppServerThreadSettings = { link: AppServerLink; approvals: ApprovalSettings };

/**
 * One `Codex`'s app-server: the link its turns and admin calls meet the server through, the
 * server actor's input and each thread's approval settings.
 */
export function openAppServerSession(
  opening: TransportOpening,
): TransportSession<AppServerThreadSettings> {
  const { options } = opening;
  const link = new AppServerLink();
  return {
    serviceInput: serverInputOf(opening, link),
    threadSettings: (thread) => ({
      link,
      approvals: {
        handler: thread.onApproval ?? options.onApproval,
        timeoutMs:
          thread.approvalTimeoutMs ?? options.approvalTimeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS,
      },
    }),
    admin: adminOn(link),
    whenNoProcess: () => link.whenNoProcess(),
  };
}

/**
 * The input of the app-server actor. Its restart intensity is the Codex's policy's (the defaults
 * under `supervision: false`: a server is never respawned unbounded).
 */
function serverInputOf(opening: TransportOpening, link: AppServerLink): ServerInput {
  const { options } = opening;
  const { maxRestarts, withinMs } = resolvePolicy(options.supervision, undefined) || DEFAULT_POLICY;
  return {
    link,
    binary: opening.binary,
    globalFlags: opening.globalFlags,
    envSource: opening.envSource,
    killGraceMs: options.killGraceMs,
    startTimeoutMs: options.serverStartTimeoutMs,
    intensity: { maxRestarts, withinMs },
    clock: opening.clock,
  };
}

/** The thread admin calls, on the server behind `link`. */
const adminOn = (link: AppServerLink): ThreadAdmin => ({
  listThreads: (options) => listThreads(link, options),
  models: () => listModels(link),
  account: () => readAccount(link),
  rateLimits: () => readRateLimits(link),
  mcpServers: () => listMcpServers(link),
  fork: (threadId, options, answered, threadConfig) =>
    forkThread(link, threadId, options, answered, threadConfig),
  setArchived: (threadId, archived) => setArchived(link, threadId, archived),
  setName: (threadId, name) => setThreadName(link, threadId, name),
  delete: (threadId) => deleteThread(link, threadId),
});
