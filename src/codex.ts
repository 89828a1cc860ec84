import { createActor } from "xstate";
import { checkCodexOptions, checkThreadOptions } from "./codex-options.js";
import { CodexRuntime } from "./codex-runtime.js";
import { checkShutdownOptions, checkThreadId } from "./option-values.js";
import type { DevtoolsOptions, DevtoolsServer } from "./devtools/types.js";
import type { CodexActorRef } from "./machines/codex.machine.js";
import type { ThreadActorRef } from "./machines/thread.machine.js";
import { snapshotTree, type CodexTreeSnapshot } from "./machines/snapshot-tree.js";
import { whenDrained } from "./machines/drain.js";
import { Thread } from "./thread.js";
import { transportOf } from "./root-machines.js";
import type { CodexTools } from "./tools/codex-tools.js";
import type { ToolRoute } from "./tools/tool-route.js";
import type {
  AccountInfo,
  ListThreadsOptions,
  McpServerInfo,
  ModelInfo,
  RateLimits,
  OnAppServer,
  ThreadList,
  TransportName,
} from "./types/app-server.js";
import { InternalError, InvalidOptionError } from "./types/errors.js";
import { systemClock } from "./supervision/clock.js";
import { containFaults } from "./supervision/contain-faults.js";
import { guardedInspector } from "./supervision/guarded-inspector.js";
import type { CodexOptions, ThreadOptions } from "./types/options.js";

let nextThreadKey = 0;

/** What is kept of a `Thread` to release it once it is garbage-collected. */
type CollectedThread = {
  root: CodexActorRef;
  key: string;
  tools: CodexTools;
  route: ToolRoute | null;
};

/**
 * @internal Releases a garbage-collected `Thread`: its tools are no longer served (their running
 * calls aborted), and its actor leaves the root when its mailbox is empty.
 */
export function releaseCollectedThread({ root, key, tools, route }: CollectedThread): void {
  if (route) tools.release(route);
  root.send({ type: "codex.releaseThread", key });
}

const collectedThreads = new FinalizationRegistry(releaseCollectedThread);

/**
 * The entry point, as in `@openai/codex-sdk`: start or resume threads whose turns run the
 * `codex` CLI. Underneath it is the root supervisor actor of every thread and turn it runs.
 * Invalid options throw `InvalidOptionError` here.
 */
export class Codex<X extends TransportName = "exec"> {
  /** The root supervisor actor (xstate): its children are the thread actors. */
  readonly actor: CodexActorRef;
  private readonly runtime: CodexRuntime;
  private readonly devtoolsServers = new Set<DevtoolsServer>();

  constructor(options: CodexOptions & { transport?: X } = {}) {
    checkCodexOptions(options);
    const { transport, machine } = transportOf(options.transport ?? "exec");
    this.runtime = new CodexRuntime(options, transport);
    this.actor = createActor(containFaults(machine), {
      input: {
        maxConcurrentTurns: options.maxConcurrentTurns ?? Infinity,
        clock: systemClock,
        escalation: options.escalation,
        budget: options.budget,
        service: this.runtime.session.serviceInput,
        tools: this.runtime.tools,
      },
      inspect: guardedInspector(options.inspect),
    });
    // A fault of the root stops every actor under it (and their processes): their turns fail.
    const { openTurns } = this.runtime;
    this.actor.subscribe({
      error: (fault) => openTurns.failAll(new InternalError("the Codex root supervisor", fault)),
      complete: () =>
        openTurns.failAll(
          new InternalError("the Codex root supervisor", new Error("codex.actor was stopped")),
        ),
    });
    this.actor.start();
  }

  /** Starts a new conversation with the agent. */
  startThread(options: ThreadOptions = {}): Thread<X> {
    checkThreadOptions(options, this.runtime.options);
    return this.thread(options, null);
  }

  /** Resumes a conversation by the id of an earlier thread (kept in `$CODEX_HOME/sessions`). */
  resumeThread(id: string, options: ThreadOptions = {}): Thread<X> {
    checkThreadId(id);
    checkThreadOptions(options, this.runtime.options);
    return this.thread(options, id);
  }

  /** A plain JSON view of the actor tree: root state, threads, and each thread's turn in hand. */
  getSnapshot(): CodexTreeSnapshot {
    return snapshotTree(this.actor);
  }

  /** Leaves the `escalated` state: turns are taken again. */
  reset(): void {
    this.actor.send({ type: "codex.reset" });
  }

  /**
   * Refuses new turns, cancels queued ones, gives running turns `timeoutMs` (default 5 000) to
   * finish and then kills them. Resolves once no process of this Codex remains. A `timeoutMs`
   * that is not an integer from 0 to 2^31 - 1 rejects with `InvalidOptionError`, stopping nothing.
   */
  async shutdown(options: { timeoutMs?: number } = {}): Promise<void> {
    checkShutdownOptions(options);
    const { timeoutMs = 5_000 } = options;
    this.actor.send({ type: "codex.shutdown", timeoutMs });
    await whenDrained(this.actor);
    this.actor.send({ type: "codex.drained" });
    await this.runtime.openTurns.whenNone();
    await this.runtime.tools.whenNoServer();
    await this.runtime.session.whenNoProcess();
    await Promise.all([...this.devtoolsServers].map((server) => server.close()));
  }

  /**
   * Serves a live, read-only page of this Codex's actors on 127.0.0.1 (see docs/observability.md):
   * open the `url` (it holds the token every request needs). Loaded on first call only;
   * `shutdown()` closes it. A `port` that is not an integer from 0 to 65535 rejects with
   * `InvalidOptionError`.
   */
  async devtools(options: DevtoolsOptions = {}): Promise<DevtoolsServer> {
    const { port = 0 } = options;
    if (!Number.isInteger(port) || port < 0 || port > 65_535)
      throw new InvalidOptionError("port", `expected an integer from 0 to 65535, got ${port}`);
    const { startDevtoolsServer } = await import("./devtools/server.js");
    const started = await startDevtoolsServer(this.actor, { port });
    const server: DevtoolsServer = {
      url: started.url,
      close: () => {
        this.devtoolsServers.delete(server);
        return started.close();
      },
    };
    this.devtoolsServers.add(server);
    return server;
  }

  /**
   * A page of the threads in the sessions store (app-server transport: a type error on another,
   * where it rejects with `UnsupportedError`).
   */
  async listThreads(
    this: OnAppServer<X, Codex<X>>,
    options: ListThreadsOptions = {},
  ): Promise<ThreadList> {
    return (this as Codex<X>).runtime.admin("listThreads()").listThreads(options);
  }

  /** The models the app-server offers (app-server transport). */
  async models(this: OnAppServer<X, Codex<X>>): Promise<ModelInfo[]> {
    return (this as Codex<X>).runtime.admin("models()").models();
  }

  /** How the app-server is signed in (app-server transport). */
  async account(this: OnAppServer<X, Codex<X>>): Promise<AccountInfo> {
    return (this as Codex<X>).runtime.admin("account()").account();
  }

  /** The account's rate limits (app-server transport; needs a ChatGPT sign-in). */
  async rateLimits(this: OnAppServer<X, Codex<X>>): Promise<RateLimits> {
    return (this as Codex<X>).runtime.admin("rateLimits()").rateLimits();
  }

  /** The MCP servers codex is configured with, and their status (app-server transport). */
  async mcpServers(this: OnAppServer<X, Codex<X>>): Promise<McpServerInfo[]> {
    return (this as Codex<X>).runtime.admin("mcpServers()").mcpServers();
  }

  private thread(
    options: ThreadOptions,
    threadId: string | null,
    served?: ToolRoute | null,
  ): Thread<X> {
    const key = `thread-${++nextThreadKey}`;
    const { tools } = this.runtime;
    const route = served === undefined ? tools.routeFor(options) : served;
    const settings = this.runtime.threadSettings(options, route);
    this.actor.send({ type: "codex.spawnThread", key, settings, threadId });
    const root = this.actor.getSnapshot();
    if (root.status !== "active")
      throw new InternalError("the Codex root supervisor", root.error ?? new Error("it stopped"));
    let actor = root.children[key] as ThreadActorRef;
    // The root replaces a thread actor that failed under the same key.
    const current = () =>
      (actor = (this.actor.getSnapshot().children[key] as ThreadActorRef | undefined) ?? actor);
    // A fork: a thread of this id, its tools served already (their config went with the fork).
    const resume = (id: string, more: ThreadOptions, forkRoute: ToolRoute | null) =>
      this.thread(more, id, forkRoute);
    const thread = new Thread<X>(this.runtime, current, options, threadId, resume, route);
    collectedThreads.register(thread, { root: this.actor, key, tools, route });
    return thread;
  }
}
