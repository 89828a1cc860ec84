import { describe, expect, it } from "@jest/globals";
import { readdirSync } from "node:fs";
import { FlowControl } from "../src/process/flow-control.js";
import { EventQueue } from "../src/turn/event-queue.js";

const limits = { highWater: 4, lowWater: 1, memoryBytes: 1_024 };
const openFds = () => readdirSync("/proc/self/fd").length;

/** Batches of two events each, numbered, with text of every UTF-8 width. */
const batches = (count: number) =>
  Array.from({ length: count }, (_, n) => [
    { n, text: `é€😀 ${"x".repeat(n % 300)}` },
    { n, text: "line\nbreak" },
  ]);

type Event = { n: number; text: string };

/** A queue holding `sent`, ended: nothing more will come. */
function filled(sent: Event[][], queueLimits: typeof limits & { spillDirectory?: string }) {
  const queue = new EventQueue<Event>(new FlowControl(), queueLimits);
  for (const batch of sent) queue.push(batch);
  queue.end();
  return queue;
}

/** Every batch left in an ended queue, in the order taken. */
async function drain<T>(queue: EventQueue<T>): Promise<T[][]> {
  const taken: T[][] = [];
  for (let batch = await queue.take(); batch; batch = await queue.take()) taken.push(batch);
  return taken;
}

describe("EventQueue", () => {
  it("keeps what the reader has not taken past its memory bound on disk, and gives it all back in order", async () => {
    const sent = batches(5_000);
    const queue = filled(sent, limits);
    expect(queue.spilled).toBe(true);
    expect(await drain(queue)).toEqual(sent);
    expect(queue.spilled).toBe(false);
  });

  it("interleaves pushes and takes in order, across several spills", async () => {
    const queue = new EventQueue<Event>(new FlowControl(), limits);
    const sent = batches(3_000);
    const taken: unknown[] = [];
    for (const [index, batch] of sent.entries()) {
      queue.push(batch);
      if (index % 3 === 0) taken.push(await queue.take());
      if (index % 1_000 === 999) while (queue.length > 0) taken.push(await queue.take());
    }
    queue.end();
    expect([...taken, ...(await drain(queue))]).toEqual(sent);
  });

  it("frees its spill file when the reader leaves", async () => {
    const before = openFds();
    const queue = new EventQueue<Event>(new FlowControl(), limits);
    for (const batch of batches(1_000)) queue.push(batch);
    expect(openFds()).toBe(before + 1);
    queue.close();
    expect(openFds()).toBe(before);
    queue.push(batches(1)[0]!); // a late batch of a turn being cancelled is dropped
    expect(await queue.take()).toBeUndefined();
  });

  it("keeps what it cannot spill in memory rather than lose it (no temp folder)", async () => {
    const sent = batches(500);
    const queue = filled(sent, { ...limits, spillDirectory: "/nonexistent/codex-actors" });
    expect(queue.spilled).toBe(false);
    expect(await drain(queue)).toEqual(sent);
  });
});
