import { writeFileSync } from "node:fs";
import path from "node:path";
import type { IncomingHttpHeaders } from "node:http";
import { ModelStandIn, standInConfig, type RecordedRequest } from "../model-stand-in/index.js";
import type { CodexConfigObject } from "../types/options.js";
import { hermeticHome } from "./hermetic-home.js";
import { killMarked, type LiveProcess } from "./processes.js";
import type { Reply } from "./replies.js";

/** A model slug the bundled codex knows, so it emits no warning about unknown model metadata. */
export const STAND_IN_MODEL = "gpt-5.5";

/** The API key the stand-in's rig hands codex: a placeholder, never checked. */
export const STAND_IN_API_KEY = "stand-in-key";

/** One model request the stand-in received, parsed. */
export type StandInRequest = {
  /** 0 for the first request the stand-in received, and so on. */
  index: number;
  model: string | undefined;
  /** The Responses API `input` items: the conversation so far, tool outputs included. */
  input: Array<Record<string, unknown>>;
  /** The names of the tools codex offered the model. */
  tools: string[];
  /** The text of every user message in `input`, in order (codex's own context messages too). */
  userTexts: string[];
  headers: IncomingHttpHeaders;
  /** The whole request body. */
  body: Record<string, unknown>;
};

/** A reply for the requests `match` accepts, used `times` times (default once; `Infinity`: always). */
export type MatchedReply = {
  /** Whether this reply answers `request`. */
  match: (request: StandInRequest) => boolean;
  reply: Reply;
  times?: number;
};

/**
 * The stand-in's script: plain replies answer the requests in order; a {@link MatchedReply}
 * answers the requests it matches first, wherever it stands in the script.
 */
export type StandInScript = Array<Reply | MatchedReply>;

/** Options of {@link startModelStandIn}. */
export type StandInOptions = {
  /** Added to the environment codex runs in (after the kit's own variables). */
  env?: Record<string, string>;
  /** The reply once the script is used up (default: HTTP 500 "the script is used up"). */
  fallback?: Reply;
  /** Called as each request arrives, before it is answered (e.g. to abort a turn there). */
  onRequest?: (request: StandInRequest) => void;
  /**
   * How many of the latest requests `requests` keeps (default: all). A long run (a soak, a
   * daemon's test) keeps a few: each request carries codex's whole prompt (~50 KB).
   */
  keepRequests?: number;
};

/** The options that point a `Codex` at the stand-in, to spread into `new Codex({...})`. */
export type StandInCodexOptions = {
  apiKey: string;
  config: CodexConfigObject;
  env: Record<string, string>;
};

/** The options of a thread in the stand-in's working folder, to spread into `startThread({...})`. */
export type StandInThreadOptions = {
  model: string;
  workingDirectory: string;
  skipGitRepoCheck: true;
  sandboxMode: "danger-full-access";
};

/** A running model stand-in and the hermetic set-up around it. */
export type RunningStandIn = {
  /** The stand-in's base URL (loopback). */
  url: string;
  /** `new Codex({ ...standIn.codexOptions })`: the stand-in as model provider, a fresh HOME. */
  codexOptions: StandInCodexOptions;
  /** `codex.startThread({ ...standIn.threadOptions })`: a thread in the fresh working folder. */
  threadOptions: StandInThreadOptions;
  /**
   * The environment codex runs in, built from scratch (PATH, HOME, CODEX_HOME, the API key and
   * the kit's markers). Its CODEX_HOME has a `config.toml` naming the stand-in as model
   * provider, so a plain `new Codex()` in a process with this environment talks to it too.
   */
  env: Record<string, string>;
  home: string;
  codexHome: string;
  /** An empty working folder for the threads. */
  workdir: string;
  /** Every request received, in order. */
  requests: StandInRequest[];
  /**
   * SIGKILLs every process running in the stand-in's environment (codex and what it started):
   * a crash on demand, e.g. from `onRequest`. Returns them.
   */
  killCodex: () => LiveProcess[];
  /** Appends to the script. */
  enqueue: (...entries: StandInScript) => void;
  /**
   * Closes the stand-in, kills whatever process its environment started that still runs, and
   * removes its folders. Shut your `Codex` down first.
   */
  close: () => Promise<void>;
};

const isMatched = (entry: Reply | MatchedReply): entry is MatchedReply => "match" in entry;

/**
 * Starts the local stand-in for the model API (the Responses API over loopback) that answers
 * codex's model requests from `script`, with a fresh HOME, CODEX_HOME and working folder: the
 * real `codex` binary runs turns offline against it, on either transport.
 */
export async function startModelStandIn(
  script: StandInScript = [],
  options: StandInOptions = {},
): Promise<RunningStandIn> {
  const folders = hermeticHome("stand-in", { CODEX_API_KEY: STAND_IN_API_KEY, ...options.env });
  const entries = script.map((entry) => (isMatched(entry) ? { ...entry } : entry));
  const requests: StandInRequest[] = [];
  const choose = (request: StandInRequest): Reply => {
    const matched = entries.find(
      (entry): entry is MatchedReply =>
        isMatched(entry) && (entry.times ?? 1) > 0 && entry.match(request),
    );
    if (matched) {
      matched.times = (matched.times ?? 1) - 1;
      return matched.reply;
    }
    const next = entries.findIndex((entry) => !isMatched(entry));
    if (next >= 0) return entries.splice(next, 1)[0] as Reply;
    return (
      options.fallback ?? {
        kind: "http-error",
        status: 500,
        message: "the model stand-in's script is used up",
      }
    );
  };
  const keep = options.keepRequests ?? Infinity;
  let received = 0;
  const server = await ModelStandIn.start([], (recorded) => {
    const request = parse(recorded, received++);
    requests.push(request);
    if (requests.length > keep) {
      requests.splice(0, requests.length - keep);
      server.requests.splice(0, server.requests.length - keep);
    }
    options.onRequest?.(request);
    return choose(request);
  });
  const config = { ...standInConfig(server.url), allow_login_shell: false };
  writeFileSync(path.join(folders.codexHome, "config.toml"), configToml(server.url));
  return {
    url: server.url,
    codexOptions: { apiKey: STAND_IN_API_KEY, config, env: folders.env },
    threadOptions: {
      model: STAND_IN_MODEL,
      workingDirectory: folders.workdir,
      skipGitRepoCheck: true,
      sandboxMode: "danger-full-access",
    },
    env: folders.env,
    home: folders.home,
    codexHome: folders.codexHome,
    workdir: folders.workdir,
    requests,
    killCodex: () => killMarked(folders.marker),
    enqueue: (...more) => entries.push(...more),
    close: async () => {
      killMarked(folders.marker);
      await server.close();
      folders.remove();
    },
  };
}

function parse(recorded: RecordedRequest, index: number): StandInRequest {
  const body = recorded.body;
  const input = Array.isArray(body.input) ? (body.input as Array<Record<string, unknown>>) : [];
  const tools = Array.isArray(body.tools) ? (body.tools as Array<Record<string, unknown>>) : [];
  const userTexts = input
    .filter((item) => item.role === "user" && Array.isArray(item.content))
    .flatMap((item) => item.content as Array<{ text?: unknown }>)
    .flatMap((part) => (typeof part.text === "string" ? [part.text] : []));
  return {
    index,
    model: typeof body.model === "string" ? body.model : undefined,
    input,
    tools: tools.map((tool) => String(tool.name ?? tool.type)),
    userTexts,
    headers: recorded.headers,
    body,
  };
}

/** The `config.toml` that makes the stand-in the default model provider. */
function configToml(url: string): string {
  return [
    `model = "${STAND_IN_MODEL}"`,
    `model_provider = "stand_in"`,
    `allow_login_shell = false`,
    ``,
    `[model_providers.stand_in]`,
    `name = "stand_in"`,
    `base_url = ${JSON.stringify(url)}`,
    `wire_api = "responses"`,
    `supports_websockets = false`,
    `env_key = "CODEX_API_KEY"`,
    `request_max_retries = 0`,
    `stream_max_retries = 0`,
    ``,
  ].join("\n");
}
