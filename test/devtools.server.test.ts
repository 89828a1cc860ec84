import { describe, expect, it } from "@jest/globals";
import diagnostics from "node:diagnostics_channel";
import { request } from "node:http";
import { connect, type Socket } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { InvalidOptionError } from "../src/index.js";
import { CHANNEL_NAMES, type EventMessage } from "../src/telemetry/channels.js";
import { listeningAddresses, openDevtools, streamClient, withToken } from "./support/devtools.js";
import { mockCodex } from "./support/mock-codex.js";
import { eventually } from "./support/processes.js";
import { rawStatusLine } from "./support/raw-request.js";
import { atTeardown } from "./support/rig-registry.js";

/** Status and body of a request to `url`. */
function fetchStatus(url: string, method = "GET"): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode!, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** A stream client that sends its request and then never reads: its socket is paused at once. */
async function stalledClient(url: string): Promise<Socket> {
  const { port, search } = new URL(url);
  const socket = connect(Number(port), "127.0.0.1");
  atTeardown("a stalled devtools client", () => socket.destroy());
  await new Promise((resolve) => socket.once("connect", resolve));
  socket.pause();
  socket.write(`GET /api/stream${search} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  return socket;
}

/** This process's memory in JS objects and buffers, after a full garbage collection. */
function memoryAfterGc(): number {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

const eventMessage = (threadKey: string, text: string): EventMessage => ({
  threadKey,
  threadId: null,
  turnId: 1,
  transport: "exec",
  attempt: 1,
  event: { type: "item.completed", item: { id: "i", type: "agent_message", text } },
});

describe("the devtools server", () => {
  it("listens on 127.0.0.1 only, at an ephemeral port, with a token in its URL", async () => {
    const { codex } = mockCodex([]);
    const server = await openDevtools(codex);
    const url = new URL(server.url);
    expect(url.hostname).toBe("127.0.0.1");
    expect(url.searchParams.get("token")).toMatch(/^[\w-]{22}$/);
    expect(listeningAddresses(Number(url.port))).toEqual(["127.0.0.1"]);
  });

  it("answers 401 to any request without the token or with another, 405 to anything but GET", async () => {
    const { codex } = mockCodex([]);
    const server = await openDevtools(codex);
    for (const path of ["/", "/page.js", "/api/tree", "/api/stream", "/nothing"]) {
      expect((await fetchStatus(withToken(server.url, null, path))).status).toBe(401);
      expect((await fetchStatus(withToken(server.url, "x".repeat(22), path))).status).toBe(401);
    }
    const token = new URL(server.url).searchParams.get("token");
    expect((await fetchStatus(withToken(server.url, token, "/api/tree"), "POST")).status).toBe(405);
    const page = await fetchStatus(server.url);
    expect(page.status).toBe(200);
    expect(page.body).toContain("codex-actors devtools");
    expect((await fetchStatus(withToken(server.url, token, "/page.js"))).status).toBe(200);
    // A request line that is no URL is refused; the server (and its process) go on.
    expect(await rawStatusLine(server.url, "GET http://[ HTTP/1.1")).toBe(
      "HTTP/1.1 400 Bad Request",
    );
    expect((await fetchStatus(server.url)).status).toBe(200);
  });

  it("serves the tree with each thread and the statecharts of its machines", async () => {
    const { codex } = mockCodex([]);
    const thread = codex.startThread();
    const key = codex.getSnapshot().threads[0]!.key;
    const server = await openDevtools(codex);
    const token = new URL(server.url).searchParams.get("token");
    const { body } = await fetchStatus(withToken(server.url, token, "/api/tree"));
    const { tree, charts } = JSON.parse(body);
    expect(tree.snapshot.threads).toEqual([expect.objectContaining({ key, state: "idle" })]);
    expect(tree.actors[key]).toEqual({ machine: "thread", active: ["idle"] });
    const busy = charts.thread.states.find((state: { key: string }) => state.key === "busy");
    expect(busy.states.map((state: { key: string }) => state.key)).toContain("backingOff");
    expect(thread.id).toBeNull();
  });

  it("streams the tree and this Codex's channel messages only, keeping them for later pages", async () => {
    const { codex } = mockCodex([]);
    const thread = codex.startThread();
    const key = codex.getSnapshot().threads[0]!.key;
    const server = await openDevtools(codex);
    const client = await streamClient(server.url);
    await eventually(() => client.events.length > 0, "the hello message");
    expect(client.events[0]).toMatchObject({
      event: "hello",
      data: { tree: { snapshot: { threads: [{ key }] } }, history: {} },
    });
    diagnostics.channel(CHANNEL_NAMES.event).publish(eventMessage("thread-of-another-codex", "no"));
    diagnostics.channel(CHANNEL_NAMES.event).publish(eventMessage(key, "yes"));
    await eventually(() => client.events.some((e) => e.event === "record"), "a record");
    const records = client.events.filter((e) => e.event === "record");
    expect(records).toEqual([
      {
        event: "record",
        data: expect.objectContaining({
          kind: "event",
          threadKey: key,
          event: eventMessage(key, "yes").event,
        }),
      },
    ]);
    const later = await streamClient(server.url);
    await eventually(() => later.events.length > 0, "the second hello");
    expect(Object.keys((later.events[0]!.data as { history: object }).history)).toEqual([key]);
    expect(thread.id).toBeNull();
  });

  it("unsubscribes and refuses connections once closed; shutdown closes it", async () => {
    const { codex } = mockCodex([]);
    const first = await openDevtools(codex);
    expect(diagnostics.channel(CHANNEL_NAMES.event).hasSubscribers).toBe(true);
    await first.close();
    expect(diagnostics.channel(CHANNEL_NAMES.event).hasSubscribers).toBe(false);
    await expect(fetchStatus(first.url)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    const second = await openDevtools(codex);
    await codex.shutdown();
    await expect(fetchStatus(second.url)).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  it("reads the backoff left before the next attempt into the tree, within the decided delay", async () => {
    const crash = [{ threadStarted: true }, { emit: { type: "turn.started" } }, { exit: 1 }];
    const { codex } = mockCodex(
      { attempts: [crash, [{ turn: "recovered" }]] },
      { supervision: { backoff: { initialMs: 1_000, jitter: false } } },
    );
    const thread = codex.startThread();
    const turn = thread.run("hi");
    const backingOff = () => codex.getSnapshot().threads[0]!.state === "busy.backingOff";
    await eventually(backingOff, "the backoff");
    const left = codex.getSnapshot().threads[0]!.turn!.backoffRemainingMs!;
    expect(left).toBeGreaterThanOrEqual(0);
    expect(left).toBeLessThanOrEqual(1_000);
    expect((await turn).attempts).toBe(2);
    expect(codex.getSnapshot().threads[0]!.turn).toBeUndefined();
  });

  it("drops a page that stops reading once it falls behind, holding none of its backlog, while a page that reads gets every record", async () => {
    const { codex } = mockCodex([]);
    const thread = codex.startThread(); // kept: a thread nobody references leaves the tree
    const key = codex.getSnapshot().threads[0]!.key;
    const server = await openDevtools(codex);
    const reading = await streamClient(server.url);
    const stalled = await stalledClient(server.url);
    let stalledClosed = false;
    stalled.once("close", () => (stalledClosed = true));
    await eventually(() => reading.events.length > 0, "the hello message");
    // Counted and let go, so that the reading page's records are not measured as the host's.
    let received = 0;
    const records = () => {
      received += reading.events.filter((e) => e.event === "record").length;
      reading.events.length = 0;
      return received;
    };
    const before = memoryAfterGc();
    // 30 MB of records in 2 KB events, 100 KB per turn of the event loop (a busy codex's pace):
    // far more than the kernel's socket buffers hold for the page that never reads.
    const count = 15_000;
    const padding = "x".repeat(2_000);
    for (let i = 0; i < count; i++) {
      diagnostics.channel(CHANNEL_NAMES.event).publish(eventMessage(key, `${i} ${padding}`));
      if (i % 50 === 49) {
        records();
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    await eventually(() => records() === count, "every record at the reading page", 20_000);
    // The backlog a stalled page made the host keep (over 20 MB without a bound) is gone.
    expect(memoryAfterGc() - before).toBeLessThan(8 * 2 ** 20);
    // Dropped: once it reads what the kernel held for it, its stream ends.
    stalled.resume();
    await eventually(() => stalledClosed, "the stalled page's stream to end", 10_000);
    expect(reading.response.destroyed).toBe(false);
    expect(thread.id).toBeNull();
  });

  it("rejects a port that is not an integer from 0 to 65535", async () => {
    const { codex } = mockCodex([]);
    await expect(codex.devtools({ port: -1 })).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(codex.devtools({ port: 1.5 })).rejects.toThrow("Invalid `port`");
    await expect(codex.devtools({ port: 65_536 })).rejects.toThrow("got 65536");
  });

  it("called with no options, serves the page on 127.0.0.1 at a port the system picks", async () => {
    const { codex } = mockCodex([]);
    const server = await codex.devtools();
    atTeardown("a devtools server", () => server.close());
    const url = new URL(server.url);
    expect(url.hostname).toBe("127.0.0.1");
    expect(Number(url.port)).toBeGreaterThan(0);
    expect((await fetchStatus(server.url)).status).toBe(200);
  });
});
