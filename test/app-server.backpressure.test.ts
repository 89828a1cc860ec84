import { describe, expect, it } from "@jest/globals";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { ThreadEvent } from "../src/index.js";
import { within } from "./support/deadlines.js";
import { FAKE_APP_SERVER, fakeServerCodex, type FakeStep } from "./support/fake-app-server.js";
import {
  agentMessage,
  FAKE_THREAD,
  threadAnswered,
  turnAnswered,
  turnEnded,
  turnRequested,
  turnStarted,
} from "./support/fake-turn-steps.js";
import { hermeticEnv } from "./support/hermetic-env.js";
import { tempDir } from "./support/rig-registry.js";

const running = [...threadAnswered, ...turnRequested, turnAnswered, turnStarted];
const ofTheTurn = { threadId: FAKE_THREAD, turnId: "fake-turn" };
const HOST = fileURLToPath(new URL("./fixtures/spill-host.mjs", import.meta.url));

/** The numbers of a flood's deltas, in the order they came (`n:xxx…`). */
const floodNumbers = (events: ThreadEvent[]) =>
  events.flatMap((event) =>
    event.type === ("item.delta" as string)
      ? [Number((event as unknown as { delta: string }).delta.split(":")[0])]
      : [],
  );

const inOrder = (numbers: number[]) => numbers.every((n, index) => n === index);

type FakeCodex = ReturnType<typeof fakeServerCodex>["codex"];

/** The steps of one turn of thread `id`, `flood` deltas of 200 bytes before its answer. */
const turnOf = (id: string, flood: number, answer: string): FakeStep[] => [
  { expect: "thread/start" },
  { respond: { thread: { id } } },
  { expect: "turn/start" },
  { respond: { turn: { id: `turn-${id}`, status: "inProgress" } } },
  { notify: { method: "turn/started", params: { threadId: id, turn: { id: `turn-${id}` } } } },
  ...(flood > 0
    ? [{ flood: { count: flood, bytes: 200, params: { threadId: id, turnId: `turn-${id}` } } }]
    : []),
  {
    notify: {
      method: "item/completed",
      params: {
        threadId: id,
        turnId: `turn-${id}`,
        item: { type: "agentMessage", id: `msg-${id}`, text: answer },
      },
    },
  },
  {
    notify: {
      method: "turn/completed",
      params: { threadId: id, turn: { id: `turn-${id}`, status: "completed", items: [] } },
    },
  },
];

describe("the app-server's output is never held back for one consumer", () => {
  it.each([
    {
      call: "turn.steer()",
      method: "turn/steer",
      answer: { turnId: "fake-turn" },
      make: (turn: { steer: (input: string) => Promise<void> }, _codex: FakeCodex) =>
        turn.steer("and one more thing"),
    },
    {
      call: "codex.listThreads()",
      method: "thread/list",
      answer: { data: [], nextCursor: null },
      make: (_turn: unknown, codex: FakeCodex) => codex.listThreads(),
    },
  ])(
    "lets `await $call` inside the loop that reads a flood of deltas complete",
    async (request) => {
      const rig = fakeServerCodex([
        ...running,
        { flood: { count: 20_000, bytes: 200, params: ofTheTurn } },
        { expect: request.method },
        { respond: request.answer },
        agentMessage("answered"),
        turnEnded.completed,
      ]);
      const turn = await rig.codex.startThread().runStreamed("hi", { deltas: true });
      const read = async () => {
        const events: ThreadEvent[] = [];
        let asked = false;
        for await (const event of turn.events) {
          events.push(event as ThreadEvent);
          if (event.type === "item.delta" && !asked) {
            asked = true;
            await request.make(turn, rig.codex);
          }
        }
        return events;
      };
      const events = await within(
        read(),
        30_000,
        `the turn's end after an awaited ${request.call}`,
      );
      expect(floodNumbers(events)).toHaveLength(20_000);
      expect(inOrder(floodNumbers(events))).toBe(true);
      expect(events.at(-1)).toMatchObject({ type: "turn.completed" });
    },
    60_000,
  );

  it("completes another thread's turn while one thread's stream goes unread, then delivers it all", async () => {
    const total = 50_000;
    const rig = fakeServerCodex([...turnOf("A", total, "a"), ...turnOf("B", 0, "b")]);
    const unread = await rig.codex.startThread().runStreamed("flood me", { deltas: true });
    const first = await unread.events.next();
    expect(first.value).toMatchObject({ type: "thread.started", thread_id: "A" });

    const other = await within(rig.codex.startThread().run("hi"), 30_000, "thread B's turn");
    expect(other.finalResponse).toBe("b");

    const events: ThreadEvent[] = [];
    for await (const event of unread.events) events.push(event as ThreadEvent);
    expect(floodNumbers(events)).toHaveLength(total);
    expect(inOrder(floodNumbers(events))).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: "turn.completed" });
    expect((await unread.result).finalResponse).toBe("a");
  }, 60_000);

  it("keeps memory bounded for a flood nobody reads (spilled to disk), and loses none of it", async () => {
    const total = 200_000; // ~60 MB of events: far over the bound if they were kept in memory
    const dir = tempDir("spill-host");
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--expose-gc", HOST, FAKE_APP_SERVER, String(total)],
      {
        env: hermeticEnv({ SPILL_HOST_DIR: dir }),
        maxBuffer: 1 << 20,
        timeout: 120_000,
        killSignal: "SIGKILL",
      },
    );
    const report = JSON.parse(stdout) as {
      heapGrowthMb: number;
      deltas: number;
      inOrder: boolean;
      last: string;
      fdGrowth: number;
    };
    expect(report.heapGrowthMb).toBeLessThan(24);
    expect(report.deltas).toBe(total);
    expect(report.inOrder).toBe(true);
    expect(report.last).toBe("turn.completed");
    expect(report.fdGrowth).toBe(0); // the spill file is freed once read
  }, 150_000);
});
