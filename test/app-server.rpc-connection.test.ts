import { describe, expect, it } from "@jest/globals";
import { PassThrough } from "node:stream";
import {
  AppServerClosedError,
  AppServerOverloadedError,
  AppServerRequestError,
} from "../src/types/app-server-errors.js";
import { AbortError, ProtocolError } from "../src/types/errors.js";
import { LineSplitter } from "../src/transports/app-server/line-splitter.js";
import { LINE_TOO_LONG, MAX_LINE_LENGTH } from "../src/transports/line-limit.js";
import {
  METHOD_NOT_FOUND,
  RpcConnection,
  type RpcNotification,
  type RpcServerRequest,
} from "../src/transports/app-server/rpc-connection.js";

/** A connection over in-memory pipes, and the server's end of them. */
function connected() {
  const toClient = new PassThrough();
  const toServer = new PassThrough();
  const connection = new RpcConnection({ input: toClient, output: toServer });
  const sent: Array<Record<string, unknown>> = [];
  const splitter = new LineSplitter();
  toServer.on("data", (chunk: Buffer) => {
    for (const line of splitter.push(chunk)) sent.push(JSON.parse(line));
  });
  const serverSays = (message: unknown) => toClient.write(`${JSON.stringify(message)}\n`);
  const flush = () => new Promise((resolve) => setImmediate(resolve));
  return { connection, toClient, toServer, sent, serverSays, flush };
}

describe("a line past MAX_LINE_LENGTH", () => {
  it("closes the connection with ProtocolError, holding none of it, and nothing is thrown", async () => {
    const { connection, toClient, flush } = connected();
    const mib = "x".repeat(2 ** 20);
    toClient.write('{"method":"a","params":');
    for (let written = 0; written <= MAX_LINE_LENGTH; written += mib.length) toClient.write(mib);
    await flush();
    const error = await connection.closed;
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.message).toContain(LINE_TOO_LONG);
    expect(connection.isOpen).toBe(false);
  });
});

describe("LineSplitter", () => {
  it("joins lines split across chunks, even inside a UTF-8 character, and drops blank lines", () => {
    const splitter = new LineSplitter();
    const bytes = Buffer.from('{"a":"é"}\r\n\n{"b":1}\n{"c"');
    const cut = bytes.indexOf(0xa9); // the second byte of é
    expect(splitter.push(bytes.subarray(0, cut))).toEqual([]);
    expect(splitter.push(bytes.subarray(cut))).toEqual(['{"a":"é"}', '{"b":1}']);
    expect(splitter.push(":2}")).toEqual([]);
    expect(splitter.end()).toEqual(['{"c":2}']);
  });
});

describe("RpcConnection", () => {
  it("sends requests with increasing ids and resolves each with its own answer, in any order", async () => {
    const { connection, sent, serverSays, flush } = connected();
    const first = connection.request("thread/start", { cwd: "/w" });
    const second = connection.request("model/list");
    await flush();
    expect(sent).toEqual([
      { id: 1, method: "thread/start", params: { cwd: "/w" } },
      { id: 2, method: "model/list" },
    ]);
    serverSays({ id: 2, result: { data: [] } });
    serverSays({ id: 1, result: { thread: { id: "t1" } } });
    await expect(first).resolves.toEqual({ thread: { id: "t1" } });
    await expect(second).resolves.toEqual({ data: [] });
  });

  it("rejects with AppServerRequestError carrying the server's code and message", async () => {
    const { connection, serverSays } = connected();
    const answer = connection.request("turn/start", {});
    serverSays({ id: 1, error: { code: -32600, message: "Not initialized" } });
    const error = await answer.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppServerRequestError);
    expect(error).toMatchObject({
      kind: "app_server_error",
      code: -32600,
      serverMessage: "Not initialized",
      method: "turn/start",
      retryable: false,
    });
    expect((error as Error).message).toBe(
      "codex app-server refused `turn/start` (error -32600): Not initialized",
    );
  });

  it("recognises -32001 as overload: AppServerOverloadedError, retryable", async () => {
    const { connection, serverSays } = connected();
    const answer = connection.request("turn/start", {});
    serverSays({ id: 1, error: { code: -32001, message: "server overloaded; retry later" } });
    const error = await answer.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppServerOverloadedError);
    expect(error).toMatchObject({ kind: "app_server_overloaded", code: -32001, retryable: true });
    expect((error as Error).message).toMatch(/overloaded .*retry it after a backoff/);
  });

  it("tells close listeners why it ended, once; a listener removed is not told, one added late is", async () => {
    const { connection, toClient, flush } = connected();
    const told: string[] = [];
    connection.onClosed((error) => told.push(`kept: ${error.name}`));
    const stop = connection.onClosed(() => told.push("removed"));
    stop();
    toClient.end();
    await flush();
    const stopLate = connection.onClosed((error) => told.push(`late: ${error.name}`));
    connection.onClosed(() => told.push("late, removed"))();
    await flush();
    stopLate();
    expect(told).toEqual(["kept: AppServerClosedError", "late: AppServerClosedError"]);
  });

  it("rejects every request in flight with AppServerClosedError when the stream ends, and later ones at once", async () => {
    const { connection, toClient } = connected();
    const inFlight = [connection.request("turn/start"), connection.request("thread/list")];
    toClient.end();
    for (const [index, method] of ["turn/start", "thread/list"].entries()) {
      const error = await inFlight[index]!.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppServerClosedError);
      expect(error).toMatchObject({ method, retryable: true });
      expect((error as Error).message).toContain(`\`${method}\` got no answer`);
    }
    await expect(connection.closed).resolves.toBeInstanceOf(AppServerClosedError);
    expect(connection.isOpen).toBe(false);
    await expect(connection.request("model/list")).rejects.toBeInstanceOf(AppServerClosedError);
    expect(connection.notify("initialized")).toBe(false);
  });

  it("fails the connection with a ProtocolError naming the line when the server prints garbage", async () => {
    const { connection, toClient, serverSays } = connected();
    const inFlight = connection.request("turn/start");
    serverSays({ method: "turn/started", params: {} });
    toClient.write("Segmentation fault\n");
    const error = await inFlight.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ lineNumber: 2, excerpt: "Segmentation fault" });
    await expect(connection.closed).resolves.toBe(error);
  });

  it("delivers notifications in order and server requests with a way to answer them", async () => {
    const { connection, serverSays, sent, flush } = connected();
    const notifications: RpcNotification[] = [];
    const requests: RpcServerRequest[] = [];
    connection.onNotification((n) => notifications.push(n));
    connection.onServerRequest((request) => {
      requests.push(request);
      connection.respond(request.id, { decision: "accept" });
    });
    serverSays({ method: "turn/started", params: { threadId: "t" } });
    serverSays({ method: "item/commandExecution/requestApproval", id: 0, params: { itemId: "c" } });
    serverSays({ method: "serverRequest/resolved", params: { requestId: 0 } });
    await flush();
    expect(notifications.map((n) => n.method)).toEqual(["turn/started", "serverRequest/resolved"]);
    expect(requests).toEqual([
      { id: 0, method: "item/commandExecution/requestApproval", params: { itemId: "c" }, line: 2 },
    ]);
    expect(sent).toEqual([{ id: 0, result: { decision: "accept" } }]);
  });

  it("answers a server request nobody listens to with method-not-found, so the server never waits", async () => {
    const { serverSays, sent, flush } = connected();
    serverSays({ method: "item/tool/requestUserInput", id: "r1", params: {} });
    await flush();
    expect(sent).toEqual([
      {
        id: "r1",
        error: {
          code: METHOD_NOT_FOUND,
          message: "this client does not handle item/tool/requestUserInput",
        },
      },
    ]);
  });

  it("abandons a request on its signal and ignores the late answer", async () => {
    const { connection, serverSays, flush } = connected();
    const controller = new AbortController();
    const answer = connection.request("thread/read", {}, { signal: controller.signal });
    controller.abort();
    await expect(answer).rejects.toBeInstanceOf(AbortError);
    serverSays({ id: 1, result: "late" });
    await flush();
    expect(connection.isOpen).toBe(true);
  });

  it("close() ends stdin and rejects what is in flight", async () => {
    const { connection, toServer } = connected();
    const ended = new Promise((resolve) => toServer.on("finish", resolve));
    const inFlight = connection.request("turn/start");
    connection.close();
    await expect(inFlight).rejects.toMatchObject({ reason: "closed by the client" });
    await ended;
  });

  it("keeps a flood of notifications complete and in order", async () => {
    const { connection, toClient } = connected();
    const seen: number[] = [];
    connection.onNotification((n) => seen.push((n.params as { n: number }).n));
    const lines = Array.from({ length: 5000 }, (_, n) =>
      JSON.stringify({ method: "item/agentMessage/delta", params: { n } }),
    ).join("\n");
    // Chunks that cut lines anywhere.
    for (let at = 0; at < lines.length; at += 997) toClient.write(lines.slice(at, at + 997));
    toClient.end("\n");
    await connection.closed;
    expect(seen).toEqual(Array.from({ length: 5000 }, (_, n) => n));
  });
});
