import { defineTransport } from "../transport.js";
import type { ApprovalSettings } from "./approval-decision.js";
import type { AppServerLink } from "./server-link.js";
import { createServerMachine } from "./server.machine.js";
import { createAppServerTurnMachine } from "./turn.machine.js";

/** What a thread on the app-server needs beyond the common settings. */
export type AppServerThreadSettings = { link: AppServerLink; approvals: ApprovalSettings };

/**
 * The app-server transport: the root runs one `codex app-server` (the server actor, started on
 * the first turn); each attempt is a turn on it, resuming the thread after a restart.
 */
export const createAppServerTransport = () =>
  defineTransport<ReturnType<typeof createAppServerTurnMachine>>({
    name: "app-server",
    attempt: createAppServerTurnMachine(),
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
          idleTimeoutMs: job.options.idleTimeoutMs,
          control: job.sink.control,
          deltas: job.options.deltas === true,
          trace,
        },
        interruptGraceMs: settings.killGraceMs,
      };
    },
    service: createServerMachine(),
  });
