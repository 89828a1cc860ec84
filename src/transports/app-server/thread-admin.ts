import type { ThreadConfig } from "../../supervision/turn-job.js";
import type {
  AccountInfo,
  ListThreadsOptions,
  McpServerInfo,
  ModelInfo,
  RateLimits,
  RateLimitWindow,
  ThreadList,
  ThreadSummary,
} from "../../types/app-server.js";
import type { ThreadOptions } from "../../types/options.js";
import { watchAnswer } from "./answer-watch.js";
import { call, type ParamsOf } from "./methods.js";
import type { v2 } from "./protocol/index.js";
import type { RpcConnection } from "./rpc-connection.js";
import type { AppServerLink } from "./server-link.js";
import { threadParamsOf } from "./thread-params.js";

/* What a daemon asks the app-server besides turns: threads, models, the account. */

/**
 * Runs `request` on the server (started if needed), holding it meanwhile; a server that leaves it
 * unanswered is checked, and replaced if hung (`watchAnswer`).
 */
async function onServer<T>(
  link: AppServerLink,
  request: (connection: RpcConnection) => Promise<T>,
): Promise<T> {
  const release = link.hold();
  try {
    return await watchAnswer(link, request((await link.acquire()).connection));
  } finally {
    release();
  }
}

/** A page of the threads in the sessions store (exec's and the app-server's alike). */
export function listThreads(link: AppServerLink, options: ListThreadsOptions): Promise<ThreadList> {
  return onServer(link, async (connection) => {
    const page = await call(connection, "thread/list", {
      ...(options.limit === undefined ? {} : { limit: options.limit }),
      ...(options.cursor === undefined ? {} : { cursor: options.cursor }),
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      ...(options.archived === undefined ? {} : { archived: options.archived }),
    });
    return { threads: page.data.map(summaryOf), nextCursor: page.nextCursor };
  });
}

/**
 * Forks thread `threadId` (its whole history) under `options`, answered by an `onApproval`
 * handler or not; returns the new thread's id.
 */
export function forkThread(
  link: AppServerLink,
  threadId: string,
  options: ThreadOptions,
  answered: boolean,
  threadConfig: ThreadConfig | null = null,
): Promise<string> {
  return onServer(link, async (connection) => {
    const params = threadParamsOf(options, answered, threadConfig);
    const { thread } = await call(connection, "thread/fork", {
      threadId,
      ...(params as Omit<ParamsOf<"thread/fork">, "threadId">),
    });
    return thread.id;
  });
}

/** Archives (or, with `archived: false`, restores) a thread. */
export function setArchived(link: AppServerLink, threadId: string, archived: boolean) {
  return onServer(link, async (connection) => {
    await call(connection, archived ? "thread/archive" : "thread/unarchive", { threadId });
  });
}

/** Deletes a thread: its session file and state, and the server's copy in memory. */
export function deleteThread(link: AppServerLink, threadId: string) {
  return onServer(link, async (connection) => {
    await call(connection, "thread/delete", { threadId });
  });
}

/** Names a thread. */
export function setThreadName(link: AppServerLink, threadId: string, name: string) {
  return onServer(link, async (connection) => {
    await call(connection, "thread/name/set", { threadId, name });
  });
}

/** The models the server offers. */
export function listModels(link: AppServerLink): Promise<ModelInfo[]> {
  return onServer(link, async (connection) => {
    const { data } = await call(connection, "model/list", {});
    return data.map((model) => ({
      id: model.id,
      model: model.model,
      displayName: model.displayName,
      description: model.description,
      hidden: model.hidden,
      isDefault: model.isDefault,
    }));
  });
}

/** How the server is signed in. */
export function readAccount(link: AppServerLink): Promise<AccountInfo> {
  return onServer(link, async (connection) => {
    const { account, requiresOpenaiAuth } = await call(connection, "account/read", {});
    return { type: account?.type ?? null, requiresOpenaiAuth };
  });
}

/** The account's rate limits (rejects `AppServerRequestError` without a ChatGPT sign-in). */
export function readRateLimits(link: AppServerLink): Promise<RateLimits> {
  return onServer(link, async (connection) => {
    const { rateLimits } = await call(connection, "account/rateLimits/read", undefined);
    return {
      primary: windowOf(rateLimits.primary),
      secondary: windowOf(rateLimits.secondary),
      reached: rateLimits.rateLimitReachedType !== null,
    };
  });
}

/** The MCP servers codex is configured with, and how each is doing. */
export function listMcpServers(link: AppServerLink): Promise<McpServerInfo[]> {
  return onServer(link, async (connection) => {
    const { data } = await call(connection, "mcpServerStatus/list", {});
    return data.map((server) => ({
      name: server.name,
      status: server.runtimeStatus,
      tools: Object.keys(server.tools),
      error: server.toolsError,
    }));
  });
}

function windowOf(window: v2.RateLimitWindow | null): RateLimitWindow | null {
  if (!window) return null;
  return {
    usedPercent: window.usedPercent,
    windowMinutes: window.windowDurationMins,
    resetsAt: window.resetsAt,
  };
}

function summaryOf(thread: v2.Thread): ThreadSummary {
  return {
    id: thread.id,
    name: thread.name,
    preview: thread.preview,
    cwd: thread.cwd,
    model: thread.model,
    createdAt: thread.createdAt,
    updatedAt: thread.updatedAt,
  };
}
