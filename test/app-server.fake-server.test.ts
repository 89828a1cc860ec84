import { describe, expect, it } from "@jest/globals";
import { initialize } from "../src/transports/app-server/methods.js";
import type { RpcConnection } from "../src/transports/app-server/rpc-connection.js";
import { AppServerClosedError, AppServerOverloadedError } from "../src/types/app-server-errors.js";
import { AbortError, ProtocolError } from "../src/types/errors.js";
import { killGroup } from "./support/app-server.js";
import { fakeAppServer } from "./support/fake-app-server.js";

const CLIENT = { name: "codex-actors-test", title: null, version: "0" };
const started = { method: "turn/started", params: { threadId: "t", turn: { id: "u" } } };

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const nextNotification = (connection: RpcConnection) =>
  new Promise<string>((resolve) => {
    const stop = connection.onNotification(({ method }) => {
      stop();
      resolve(method);
    });
  });

describe("the JSON-RPC connection against a faulty app-server (scripts/fake-app-server)", () => {
  it("rejects the requests in flight with AppServerClosedError when the server crashes mid-turn", async () => {
    const { connection } = fakeAppServer([
      { expect: "turn/start" },
      { respond: { turn: { id: "u", status: "inProgress" } } },
      { notify: started },
      { expect: "turn/interrupt" },
      { signal: "SIGKILL" },
    ]);
    await initialize(connection, CLIENT);
    const turnStarted = nextNotification(connection);
    await connection.request("turn/start", { threadId: "t", input: [] });
    expect(await turnStarted).toBe("turn/started");

    const inFlight = [
      connection.request("turn/interrupt", { threadId: "t", turnId: "u" }),
      connection.request("thread/read", { threadId: "t" }),
    ];
    for (const request of inFlight) {
      await expect(request).rejects.toBeInstanceOf(AppServerClosedError);
    }
    await expect(connection.closed).resolves.toBeInstanceOf(AppServerClosedError);
    await expect(connection.request("thread/list", {})).rejects.toMatchObject({
      method: "thread/list",
      retryable: true,
    });
  });

  it("lets a request to a hung server be abandoned, and closes once the server is killed", async () => {
    const { server, connection } = fakeAppServer([{ hang: true }]);
    await initialize(connection, CLIENT);
    const controller = new AbortController();
    const hung = connection.request("turn/start", {}, { signal: controller.signal });
    controller.abort();
    await expect(hung).rejects.toBeInstanceOf(AbortError);
    const pending = connection.request("thread/read", {}).catch((e: unknown) => e);
    await killGroup(server);
    expect(await pending).toBeInstanceOf(AppServerClosedError);
  });

  it("fails with a ProtocolError naming the line when the server prints garbage", async () => {
    const { connection } = fakeAppServer([
      { expect: "turn/start" },
      { line: "thread 'main' panicked at src/lib.rs:1\n" },
    ]);
    await initialize(connection, CLIENT);
    const error = await connection.request("turn/start", {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    // Line 1 was the answer to `initialize`.
    expect(error).toMatchObject({
      lineNumber: 2,
      excerpt: "thread 'main' panicked at src/lib.rs:1",
    });
  });

  it("reports -32001 as AppServerOverloadedError, and the same request succeeds when retried", async () => {
    const { connection } = fakeAppServer([
      { expect: "turn/start" },
      { respondError: { code: -32001, message: "Server overloaded; retry later." } },
      { expect: "turn/start" },
      { respond: { turn: { id: "u", status: "inProgress" } } },
    ]);
    await initialize(connection, CLIENT);
    const params = { threadId: "t", input: [] };
    const first = await connection.request("turn/start", params).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(AppServerOverloadedError);
    expect(first).toMatchObject({
      retryable: true,
      serverMessage: "Server overloaded; retry later.",
    });
    await expect(connection.request("turn/start", params)).resolves.toMatchObject({
      turn: { id: "u" },
    });
  });

  it("delivers a flood of notifications complete and in order, then the answer", async () => {
    const count = 20_000;
    const { connection } = fakeAppServer([
      { expect: "turn/start" },
      { flood: { count, bytes: 200 } },
      { respond: { turn: { id: "u" } } },
    ]);
    await initialize(connection, CLIENT);
    const seen: number[] = [];
    connection.onNotification(({ params }) => seen.push((params as { n: number }).n));
    await connection.request("turn/start", {});
    expect(seen).toHaveLength(count);
    expect(seen.every((n, index) => n === index)).toBe(true);
  });

  it("ends a server that ignores SIGTERM with SIGKILL, and the connection closes", async () => {
    const { server, connection } = fakeAppServer([{ ignoreSigterm: true }, { hang: true }]);
    await initialize(connection, CLIENT);
    process.kill(-server.pid!, "SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(isAlive(server.pid!)).toBe(true);

    await killGroup(server);
    expect(isAlive(server.pid!)).toBe(false);
    await expect(connection.closed).resolves.toBeInstanceOf(AppServerClosedError);
  });
});
