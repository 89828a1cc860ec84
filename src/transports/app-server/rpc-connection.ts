import type { Readable, Writable } from "node:stream";
import type { TraceCarrier } from "../../telemetry/channels.js";
import {
  AppServerClosedError,
  AppServerOverloadedError,
  AppServerRequestError,
  OVERLOADED_CODE,
} from "../../types/app-server-errors.js";
import { AbortError, type CodexError, ProtocolError } from "../../types/errors.js";
import { LINE_TOO_LONG } from "../line-limit.js";
import { LineSplitter } from "./line-splitter.js";
import { parseRpcMessage, type RequestId, type RpcErrorBody } from "./rpc-message.js";

/** The server's stdout (read) and stdin (written), e.g. a child process's pipes. */
export type RpcStreams = { input: Readable; output: Writable };

/** Where a message came from: the line of the server's stdout (1-based), when a connection read it. */
type FromLine = { line?: number };

/** A notification from the server. */
export type RpcNotification = { method: string; params: unknown } & FromLine;

/** A request from the server (an approval, …), answered with `respond` or `respondError`. */
export type RpcServerRequest = { id: RequestId; method: string; params: unknown } & FromLine;

/** Options of one request. */
export type RpcRequestOptions = {
  /** Abandons the request: it rejects with `AbortError` and a late answer is ignored. */
  signal?: AbortSignal;
  /** W3C trace context for the envelope's `trace`: the server continues that trace. */
  trace?: TraceCarrier;
};

/** JSON-RPC code of the answer to a server request no listener took. */
export const METHOD_NOT_FOUND = -32601;

const EXCERPT_LENGTH = 120;

type Pending = {
  method: string;
  resolve: (result: unknown) => void;
  reject: (error: CodexError) => void;
};

/**
 * A JSON-RPC client over one line stream (one JSON object per line, no `jsonrpc` member), with no
 * knowledge of processes: it correlates answers to requests, hands notifications and server
 * requests to listeners, and when the stream closes or breaks rejects every request in flight
 * (`AppServerClosedError`, or `ProtocolError` for a line that is not JSON-RPC), so none hangs.
 */
export class RpcConnection {
  /** Resolves, once, with why the connection ended. */
  readonly closed: Promise<CodexError>;
  private readonly pending = new Map<RequestId, Pending>();
  private readonly splitter = new LineSplitter();
  private readonly notificationListeners = new Set<(notification: RpcNotification) => void>();
  private readonly requestListeners = new Set<(request: RpcServerRequest) => void>();
  private readonly closeListeners = new Set<(error: CodexError) => void>();
  private nextId = 1;
  private lineNumber = 0;
  private failure: CodexError | undefined;
  private announceClosed!: (error: CodexError) => void;

  constructor(private readonly streams: RpcStreams) {
    this.closed = new Promise((resolve) => (this.announceClosed = resolve));
    const { input, output } = streams;
    input.on("data", (chunk: Buffer | string) => {
      this.receive(this.splitter.push(chunk));
      const { overlong } = this.splitter;
      if (overlong !== undefined && !this.failure)
        this.fail(protocolError(this.lineNumber + 1, overlong, LINE_TOO_LONG, undefined));
    });
    input.on("end", () => {
      this.receive(this.splitter.end());
      this.fail(new AppServerClosedError("the server's stdout ended"));
    });
    input.on("close", () => this.fail(new AppServerClosedError("the server's stdout closed")));
    input.on("error", (error) =>
      this.fail(
        new AppServerClosedError(`reading stdout failed: ${error.message}`, undefined, {
          cause: error,
        }),
      ),
    );
    output.on("error", (error) =>
      this.fail(
        new AppServerClosedError(`writing stdin failed: ${error.message}`, undefined, {
          cause: error,
        }),
      ),
    );
    output.on("close", () => this.fail(new AppServerClosedError("the server's stdin closed")));
  }

  /** Whether the connection still carries messages. */
  get isOpen(): boolean {
    return this.failure === undefined;
  }

  /** Sends a request; resolves with its `result`, rejects with a typed error. */
  request(method: string, params?: unknown, options: RpcRequestOptions = {}): Promise<unknown> {
    if (this.failure) return Promise.reject(this.errorFor(method, this.failure));
    const { signal, trace } = options;
    if (signal?.aborted) return Promise.reject(abandoned(method));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.pending.delete(id);
        reject(abandoned(method));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      const settle =
        <T>(done: (value: T) => void) =>
        (value: T) => {
          signal?.removeEventListener("abort", onAbort);
          done(value);
        };
      this.pending.set(id, { method, resolve: settle(resolve), reject: settle(reject) });
      this.send(trace?.traceparent ? { id, method, params, trace } : { id, method, params });
    });
  }

  /** Sends a notification (no answer). Returns false when the connection is closed. */
  notify(method: string, params?: unknown): boolean {
    return this.send({ method, params });
  }

  /** Answers a server request. Returns false when the connection is closed. */
  respond(id: RequestId, result: unknown): boolean {
    return this.send({ id, result });
  }

  /** Answers a server request with an error. Returns false when the connection is closed. */
  respondError(id: RequestId, error: RpcErrorBody): boolean {
    return this.send({ id, error });
  }

  /** Listens to notifications; returns the function that stops listening. */
  onNotification(listener: (notification: RpcNotification) => void): () => void {
    this.notificationListeners.add(listener);
    return () => this.notificationListeners.delete(listener);
  }

  /**
   * Listens to server requests; returns the function that stops listening. A request that
   * arrives while nobody listens is answered `METHOD_NOT_FOUND` at once, so the server never waits.
   */
  onServerRequest(listener: (request: RpcServerRequest) => void): () => void {
    this.requestListeners.add(listener);
    return () => this.requestListeners.delete(listener);
  }

  /**
   * Listens for the connection's end (called at once, in a microtask, if it has ended); returns
   * the function that stops listening. Unlike a reaction to `closed`, a listener removed is
   * freed: a turn that ended keeps nothing alive on a connection that lives on.
   */
  onClosed(listener: (error: CodexError) => void): () => void {
    const failure = this.failure;
    if (failure) {
      let stopped = false;
      queueMicrotask(() => {
        if (!stopped) listener(failure);
      });
      return () => (stopped = true);
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Ends the connection from our side: stdin is closed, requests in flight reject. */
  close(reason = "closed by the client"): void {
    this.fail(new AppServerClosedError(reason));
    this.streams.output.end();
  }

  private send(message: Record<string, unknown>): boolean {
    if (this.failure) return false;
    this.streams.output.write(`${JSON.stringify(message)}\n`);
    return true;
  }

  private receive(lines: string[]): void {
    for (const line of lines) {
      if (this.failure) return;
      this.lineNumber += 1;
      const message = parseRpcMessage(line);
      switch (message.kind) {
        case "invalid":
          this.fail(protocolError(this.lineNumber, line, message.reason, message.cause));
          return;
        case "notification":
          for (const listener of [...this.notificationListeners]) {
            listener({ method: message.method, params: message.params, line: this.lineNumber });
          }
          break;
        case "request":
          this.dispatchRequest({
            id: message.id,
            method: message.method,
            params: message.params,
            line: this.lineNumber,
          });
          break;
        case "response":
          this.settle(message.id)?.resolve(message.result);
          break;
        case "error": {
          const pending = this.settle(message.id);
          pending?.reject(requestError(pending.method, message.error));
        }
      }
    }
  }

  private dispatchRequest(request: RpcServerRequest): void {
    if (this.requestListeners.size === 0) {
      this.respondError(request.id, {
        code: METHOD_NOT_FOUND,
        message: `this client does not handle ${request.method}`,
      });
      return;
    }
    for (const listener of [...this.requestListeners]) listener(request);
  }

  /** Takes the request an answer is for; an answer to an abandoned request finds none. */
  private settle(id: RequestId): Pending | undefined {
    const pending = this.pending.get(id);
    this.pending.delete(id);
    return pending;
  }

  private fail(error: CodexError): void {
    if (this.failure) return;
    this.failure = error;
    const inFlight = [...this.pending.values()];
    this.pending.clear();
    for (const pending of inFlight) pending.reject(this.errorFor(pending.method, error));
    this.announceClosed(error);
    const listeners = [...this.closeListeners];
    this.closeListeners.clear();
    for (const listener of listeners) listener(error);
  }

  private errorFor(method: string, failure: CodexError): CodexError {
    return failure instanceof AppServerClosedError
      ? new AppServerClosedError(failure.reason, method, { cause: failure.cause })
      : failure;
  }
}

function requestError(method: string, error: RpcErrorBody): AppServerRequestError {
  return error.code === OVERLOADED_CODE
    ? new AppServerOverloadedError(method, error.message, error.data)
    : new AppServerRequestError(method, error.code, error.message, error.data);
}

function abandoned(method: string): AbortError {
  return new AbortError(`The request \`${method}\` was abandoned (its signal aborted).`);
}

/** The `ProtocolError` of stdout line `lineNumber` (`line`, cut to an excerpt) and why. */
export function protocolError(lineNumber: number, line: string, reason: string, cause: unknown) {
  const excerpt = line.length > EXCERPT_LENGTH ? `${line.slice(0, EXCERPT_LENGTH)}…` : line;
  return new ProtocolError(
    lineNumber,
    excerpt,
    reason,
    cause === undefined ? undefined : { cause },
  );
}
