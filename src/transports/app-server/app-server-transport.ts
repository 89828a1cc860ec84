import type { FailureClasses } from "../../supervision/classify.js";
import { defineTransport } from "../transport.js";
import { APP_SERVER_CAPABILITIES } from "./app-server-capabilities.js";
import { openAppServerSession, type AppServerThreadSettings } from "./app-server-session.js";
import { createServerMachine } from "./server.machine.js";
import { createAppServerTurnMachine } from "./turn.machine.js";

/**
 * How supervision classifies the app-server's own failures: its connection closed, it did not
 * answer `initialize` in time, or it said it was overloaded are transient (the server actor
 * restarts the server; the turn is resumed on it); a crash loop past the server's restart
 * intensity is final.
 */
export const APP_SERVER_FAILURES: FailureClasses = {
  transient: ["app_server_closed", "app_server_start_timeout", "app_server_overloaded"],
  final: ["app_server_crash_loop"],
};

/**
 * The app-server transport: the root runs one `codex app-server` (the server actor, started on
 * the first turn); each attempt is a turn on it, resuming the thread after a restart.
 */
export const createAppServerTransport = () =>
  defineTransport<
    ReturnType<typeof createAppServerTurnMachine>,
    AppServerThreadSettings,
    ReturnType<typeof createServerMachine>
  >({
    name: "app-server",
    open: openAppServerSession,
    attempt: createAppServerTurnMachine(),
    attemptInput: (settings, job, threadId, trace, threadTotal) => {
      const own = settings.transportSettings;
      return {
        session: {
          link: own.link,
          thread: settings.thread,
          threadId,
          prompt: job.prompt,
          images: job.images,
          outputSchema: job.options.outputSchema,
          approvals: own.approvals,
          threadConfig: settings.threadConfig(),
          deliver: job.sink.deliver,
          idleTimeoutMs: job.options.idleTimeoutMs,
          control: job.sink.control,
          deltas: job.options.deltas === true,
          trace,
          threadTotal: threadId === null ? 0 : threadTotal,
        },
        interruptGraceMs: settings.killGraceMs,
      };
    },
    service: createServerMachine(),
    failures: APP_SERVER_FAILURES,
    capabilities: APP_SERVER_CAPABILITIES,
  });
