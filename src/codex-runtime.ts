import { globalConfigFlags } from "./exec/argv.js";
import { locateCodexBinary, type CodexBinary } from "./exec/codex-binary.js";
import type { CodexOptions } from "./types/options.js";

/** What every turn of one `Codex` shares. */
export type TurnSettings = {
  binary: CodexBinary;
  globalFlags: readonly string[];
  env?: Record<string, string>;
  apiKey?: string;
  inspect?: CodexOptions["inspect"];
};

/**
 * The settings one `Codex` gives all its turns: its config flags, checked once at construction,
 * and the binary, located on the first turn (a missing one rejects that turn, typed).
 */
export class CodexRuntime {
  private readonly globalFlags: readonly string[];
  private binary?: CodexBinary;

  constructor(private readonly options: CodexOptions) {
    this.globalFlags = globalConfigFlags(options);
  }

  /** The settings of the next turn; throws `CodexNotFoundError` when there is no binary. */
  turnSettings(): TurnSettings {
    this.binary ??= locateCodexBinary(this.options.codexPathOverride);
    return {
      binary: this.binary,
      globalFlags: this.globalFlags,
      env: this.options.env,
      apiKey: this.options.apiKey,
      inspect: this.options.inspect,
    };
  }
}
