import { createCodexMachine } from "../../machines/codex.machine.js";
import { defineTransport } from "../attempt.js";
import type { ApprovalSettings } from "./approval-decision.js";
import type { AppServerLink } from "./server-link.js";
import { serverMachine } from "./server.machine.js";
import { appServerTurnMachine } from "./turn.machine.js";

/** What a thread on the app-server needs beyond the common settings. */
export type AppServerThreadSettings = { link: AppServerLink; approvals: ApprovalSettings };

/**
 * The app-server transport: the root runs one `codex app-server` (the server actor, started on
 * the first turn); each attempt is a turn on it, resuming the thread after a restart.
 */
export const appServerTransport = defineTransport<typeof appServerTurnMachine>({
  name: "app-server",
  attempt: appServerTurnMachine,
  attemptInput: (settings, job, threadId, trace) => {
    const own = settings.transportSettings as AppServerThreadSettings;
    return {
      session: {
        link: own.link,
        thread: settings.thread,
        threadId,
        prompt: job.prompt,
        images: job.images,
        outputSchema: job.options.outputSchema,
        approvals: own.approvals,
        deliver: job.sink.deliver,
        flow: job.sink.flow,
        idleTimeoutMs: job.options.idleTimeoutMs,
        control: job.sink.control,
        deltas: job.options.deltas === true,
        trace,
      },
      interruptGraceMs: settings.killGraceMs,
    };
  },
  service: serverMachine,
});

/** The root machine of a `Codex` on the app-server transport. */
export const appServerCodexMachine = createCodexMachine(appServerTransport);
