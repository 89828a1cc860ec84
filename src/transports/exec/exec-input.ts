import { buildExecArgv } from "./argv.js";
import type { ThreadSettings, TurnJob } from "../../supervision/turn-job.js";
import type { TraceCarrier } from "../../telemetry/channels.js";
import type { ExecInput } from "./exec.machine.js";

/**
 * The exec actor's input for the next attempt of `job`: a new thread, or `resume <threadId>`;
 * `threadTotal` is the thread's running token total where known.
 */
export function execInputOf(
  settings: ThreadSettings<undefined>,
  job: TurnJob,
  threadId: string | null,
  trace: TraceCarrier,
  threadTotal: number | null,
): ExecInput {
  return {
    tokens: {
      known: threadId === null ? 0 : threadTotal,
      ...(threadId !== null && threadTotal === null
        ? { rollout: { codexHome: settings.envSource.codexHome(), threadId } }
        : {}),
    },
    process: {
      executablePath: job.binary.executablePath,
      argv: buildExecArgv({
        globalFlags: settings.globalFlags,
        thread: settings.thread,
        turn: job.options,
        threadId,
        images: job.images,
        outputSchemaPath: job.outputSchemaPath,
        threadConfig: settings.threadConfig(),
      }),
      envSource: settings.envSource,
      pathDirs: job.binary.pathDirs,
      prompt: job.prompt,
      trace,
      flow: job.sink.flow,
      killGraceMs: settings.killGraceMs,
      idleTimeoutMs: job.options.idleTimeoutMs,
      deliver: job.sink.deliver,
    },
  };
}
