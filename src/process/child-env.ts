import { homedir } from "node:os";
import path from "node:path";
import type { TraceCarrier } from "../telemetry/channels.js";
import { checkedTraceContext } from "../telemetry/trace-context.js";

const ORIGINATOR_ENV = "CODEX_INTERNAL_ORIGINATOR_OVERRIDE";
const ORIGINATOR = "codex_sdk_ts";

/** What the child's environment is made from. */
export type ChildEnvOptions = {
  /** Replaces `process.env` when given. */
  env?: Record<string, string>;
  apiKey?: string;
  /** Folders to put first on PATH (the binary's helper executables). */
  pathDirs: string[];
  platform?: NodeJS.Platform;
};

/** The child's environment: the user's (or ours), the originator, the API key, PATH helpers. */
export function buildChildEnv(options: ChildEnvOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.env ?? process.env)) {
    if (value !== undefined) env[key] = value;
  }
  env[ORIGINATOR_ENV] ||= ORIGINATOR;
  if (options.apiKey) env.CODEX_API_KEY = options.apiKey;
  if (options.pathDirs.length > 0)
    prependPath(env, options.pathDirs, options.platform ?? process.platform);
  return env;
}

/**
 * The child's `TRACEPARENT`/`TRACESTATE` for a W3C trace context (what codex reads to continue a
 * trace); a malformed value is left out rather than handed to the child.
 */
export function traceEnvOf(trace: TraceCarrier | undefined): Record<string, string> {
  const checked = checkedTraceContext(trace);
  if (!checked) return {};
  const { traceparent, tracestate } = checked;
  return tracestate
    ? { TRACEPARENT: traceparent!, TRACESTATE: tracestate }
    : { TRACEPARENT: traceparent! };
}

/**
 * The variable that marks codex's environment with its attempt: everything codex starts inherits
 * it (orphaned commands in sessions of their own included), so the attempt's end finds them all.
 */
const ATTEMPT_MARK_VAR = "CODEX_ACTORS_ATTEMPT";

let attemptsStarted = 0;

/**
 * A new attempt's id: unique among the live processes of the machine by construction (this
 * host's pid and a count), with a random part for the leftovers of a dead host whose pid is
 * reused. Made without `node:crypto`, whose loading costs a one-turn script ~5 ms of CPU.
 */
export function newAttemptId(): string {
  return `${process.pid}-${++attemptsStarted}-${Math.random().toString(36).slice(2)}`;
}

/** The entry (`KEY=value`) that an attempt's processes carry in their environment. */
export const attemptMarkOf = (attemptId: string) => `${ATTEMPT_MARK_VAR}=${attemptId}`;

/** The child's `CODEX_ACTORS_ATTEMPT` for an attempt's unique id, if it has one. */
export function attemptEnvOf(attemptId: string | undefined): Record<string, string> {
  return attemptId === undefined ? {} : { [ATTEMPT_MARK_VAR]: attemptId };
}

/**
 * Where a child's environment comes from (the user's env or the host's, and the API key), held
 * out of actor state: a context, an input or an inspection event that carries this handle shows
 * nothing of it (JSON, `util.inspect`), and the process actor asks it for the env at spawn.
 */
export class ChildEnvSource {
  readonly #env?: Record<string, string>;
  readonly #apiKey?: string;
  readonly #added: Record<string, string> = {};

  constructor(env?: Record<string, string>, apiKey?: string) {
    this.#env = env;
    this.#apiKey = apiKey;
  }

  /** Adds `name=value` (a secret, e.g. the tool server's token) to every child started after. */
  add(name: string, value: string): void {
    this.#added[name] = value;
  }

  /** The child's environment, with `pathDirs` first on PATH. */
  build(pathDirs: string[]): Record<string, string> {
    const env = buildChildEnv({ env: this.#env, apiKey: this.#apiKey, pathDirs });
    return { ...env, ...this.#added };
  }

  /** The CODEX_HOME the child runs with: its env's, else `$HOME/.codex` (the host's HOME if unset). */
  codexHome(): string {
    const env = this.#env ?? process.env;
    return env.CODEX_HOME ?? path.join(env.HOME ?? homedir(), ".codex");
  }

  /** What serializing shows: that there is an environment, not what it holds. */
  toJSON(): string {
    return "[child environment]";
  }
}

function prependPath(env: Record<string, string>, dirs: string[], platform: NodeJS.Platform): void {
  const keys = Object.keys(env).filter((key) =>
    platform === "win32" ? key.toLowerCase() === "path" : key === "PATH",
  );
  const key =
    platform === "win32" ? (keys.includes("Path") ? "Path" : (keys.at(-1) ?? "PATH")) : "PATH";
  for (const other of keys) if (other !== key) delete env[other];
  const delimiter = platform === "win32" ? ";" : path.delimiter;
  const rest = (env[key] ?? "").split(delimiter).filter((entry) => entry && !dirs.includes(entry));
  env[key] = [...dirs, ...rest].join(delimiter);
}
