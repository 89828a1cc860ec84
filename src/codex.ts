import { CodexRuntime } from "./codex-runtime.js";
import { checkThreadId } from "./exec/argv.js";
import { Thread } from "./thread.js";
import type { CodexOptions, ThreadOptions } from "./types/options.js";

/**
 * The entry point, as in `@openai/codex-sdk`: start or resume threads whose turns run the
 * `codex` CLI, each turn an exec actor. Invalid `config` throws `InvalidOptionError` here.
 */
export class Codex {
  private readonly runtime: CodexRuntime;

  constructor(options: CodexOptions = {}) {
    this.runtime = new CodexRuntime(options);
  }

  /** Starts a new conversation with the agent. */
  startThread(options: ThreadOptions = {}): Thread {
    return new Thread(this.runtime, options);
  }

  /** Resumes a conversation by the id of an earlier thread (kept in `$CODEX_HOME/sessions`). */
  resumeThread(id: string, options: ThreadOptions = {}): Thread {
    return new Thread(this.runtime, options, checkThreadId(id));
  }
}
