import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import type { Redis } from "ioredis";
import type { CodexOptions } from "../types/options.js";
import { SessionRestoreError, SessionTooLargeError } from "./errors.js";
import { describeThrown } from "../types/describe-thrown.js";
import type { SessionFile } from "./turn-record.js";
import { findRollout } from "../process/rollout-file.js";
import { bounded } from "./bounded.js";
import { untilAnswered } from "./outage.js";

/**
 * A thread's codex session — its rollout file, `$CODEX_HOME/sessions/YYYY/MM/DD/rollout-…-<id>.jsonl`,
 * which is all `codex exec resume` needs — stored in Redis after each turn and written back into
 * another worker's CODEX_HOME before it resumes the thread, at the same relative path.
 */

/** The default bound on a stored session, in bytes (16 MiB). */
export const DEFAULT_MAX_SESSION_BYTES = 16 * 1024 * 1024;

/** How long one read of a stored session may take, in ms. */
const READ_BOUND_MS = 10_000;

/** Why a thread with no session anywhere cannot be resumed. */
const NOWHERE =
  "no session of it is stored in the queue or in this worker's CODEX_HOME: the turn that " +
  "started it was lost before it finished, its session was past maxSessionBytes, or it is not " +
  "a thread of this queue";

/** Why a thread whose first turn was lost cannot be resumed. */
const VOID =
  "the turn that started it was lost before it stored its session, and ran again as a new " +
  "thread: this one has no history (a worker's own copy is not used)";

/** The relative path a stored session may have: nothing outside `sessions/`. */
const SESSION_PATH = /^sessions\/\d{4}\/\d{2}\/\d{2}\/rollout-[\w.:-]+\.jsonl$/;

/** The CODEX_HOME the worker's codex runs with: its `env`'s, else this process's, else `~/.codex`. */
export function codexHomeOf(options: CodexOptions): string {
  const env = options.env ?? process.env;
  return env.CODEX_HOME ?? path.join(env.HOME ?? homedir(), ".codex");
}

/** Reads a worker's sessions for storing and restores them, remembering which it holds already. */
export class SessionStore {
  /** The generation of each thread's session this worker's CODEX_HOME holds. */
  private readonly held = new Map<string, number>();

  constructor(
    private readonly client: Redis,
    private readonly keyOf: (threadId: string) => string,
    private readonly codexHome: string,
    private readonly maxBytes: number,
    private readonly local: {
      /**
       * What the local codex must do before its own copy of a thread is replaced by a newer one
       * (an app-server keeps a thread it has loaded in memory: it must forget it).
       */
      beforeReplacing?: (threadId: string) => Promise<void>;
      /** How long Redis may be unreachable while a session is read, in ms (default 0). */
      reconnectWithinMs?: number;
    } = {},
  ) {}

  /**
   * The session of `threadId` after a turn, to store with the turn's finish. Throws
   * `SessionTooLargeError` past `maxBytes`; undefined if codex left no rollout file.
   */
  async file(threadId: string): Promise<SessionFile | undefined> {
    const relative = await findRollout(this.codexHome, threadId);
    if (!relative) return undefined;
    const file = path.join(this.codexHome, relative);
    const bytes = statSync(file).size;
    if (bytes > this.maxBytes) throw new SessionTooLargeError(threadId, bytes, this.maxBytes);
    return { threadId, path: relative, data: readFileSync(file) };
  }

  /** Stops counting this worker's copy of the thread as a stored generation (it differs). */
  forget(threadId: string): void {
    this.held.delete(threadId);
  }

  /** Remembers that this worker's CODEX_HOME holds generation `generation` of the thread. */
  stored(threadId: string, generation: number): void {
    if (generation > 0) this.held.set(threadId, generation);
  }

  /**
   * Writes the stored session of `threadId` into CODEX_HOME unless this worker holds that
   * generation already. A thread with no stored session is left to codex if CODEX_HOME has it.
   * Throws `SessionRestoreError` if neither has it, or if the local copy cannot be replaced
   * (nothing half-written).
   */
  async restore(threadId: string): Promise<void> {
    const key = this.keyOf(threadId);
    const [stored, relativeBytes, data, voided] = await untilAnswered(
      () =>
        bounded(this.client.hmgetBuffer(key, "generation", "path", "data", "void"), READ_BOUND_MS),
      this.local.reconnectWithinMs ?? 0,
    );
    if (voided) throw new SessionRestoreError(threadId, VOID);
    const local = await findRollout(this.codexHome, threadId);
    if (!stored || !relativeBytes || !data) {
      if (local) return;
      throw new SessionRestoreError(threadId, NOWHERE);
    }
    const generation = Number(stored.toString());
    const relative = relativeBytes.toString();
    if (this.held.get(threadId) === generation && local) return;
    if (!SESSION_PATH.test(relative))
      throw new SessionRestoreError(threadId, `its stored path ${relative} is not under sessions/`);
    try {
      if (this.held.has(threadId) || local) await this.local.beforeReplacing?.(threadId);
      writeWhole(path.join(this.codexHome, relative), data);
    } catch (error) {
      throw new SessionRestoreError(threadId, describeThrown(error), { cause: error });
    }
    this.held.set(threadId, generation);
  }
}

/** Writes `file` whole or not at all: through a temporary file beside it, removed on failure. */
function writeWhole(file: string, data: Buffer): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.partial-${process.pid}`;
  try {
    writeFileSync(partial, data);
    renameSync(partial, file);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}
