import { describe, expect, it } from "@jest/globals";
import { readdirSync } from "node:fs";
import { FlowControl } from "../src/actors/flow-control.js";
import { EventQueue } from "../src/turn/event-queue.js";

const limits = { highWater: 4, lowWater: 1, memoryBytes: 1_024 };
const openFds = () => readdirSync("/proc/self/fd").length;

/** Batches of two events each, numbered, with text of every UTF-8 width. */
const batches = (count: number) =>
  Array.from({ length: count }, (_, n) => [
    { n, text: `é€😀 ${"x".repeat(n % 300)}` },
    { n, text: "line\nbreak" },
  ]);

describe("EventQueue", () => {
  it("keeps what the reader has not taken past its memory bound on disk, and gives it all back in order", async () => {
    const queue = new EventQueue<{ n: number; text: string }>(new FlowControl(), limits);
    const sent = batches(5_000);
    for (const batch of sent) queue.push(batch);
    queue.end();
    expect(queue.spilled).toBe(true);

    const taken: unknown[] = [];
    for (let batch = await queue.take(); batch; batch = await queue.take()) taken.push(batch);
    expect(taken).toEqual(sent);
    expect(queue.spilled).toBe(false);
  });

  it("interleaves pushes and takes in order, across several spills", async () => {
    const queue = new EventQueue<{ n: number; text: string }>(new FlowControl(), limits);
    const sent = batches(3_000);
    const taken: unknown[] = [];
    for (const [index, batch] of sent.entries()) {
      queue.push(batch);
      if (index % 3 === 0) taken.push(await queue.take());
      if (index % 1_000 === 999) while (queue.length > 0) taken.push(await queue.take());
    }
    queue.end();
    for (let batch = await queue.take(); batch; batch = await queue.take()) taken.push(batch);
    expect(taken).toEqual(sent);
  });

  it("frees its spill file when the reader leaves", async () => {
    const before = openFds();
    const queue = new EventQueue<{ n: number; text: string }>(new FlowControl(), limits);
    for (const batch of batches(1_000)) queue.push(batch);
    expect(openFds()).toBe(before + 1);
    queue.close();
    expect(openFds()).toBe(before);
    queue.push(batches(1)[0]!); // a late batch of a turn being cancelled is dropped
    expect(await queue.take()).toBeUndefined();
  });

  it("keeps what it cannot spill in memory rather than lose it (no temp folder)", async () => {
    const unwritable = { ...limits, spillDirectory: "/nonexistent/codex-actors" };
    const queue = new EventQueue<{ n: number; text: string }>(new FlowControl(), unwritable);
    const sent = batches(500);
    for (const batch of sent) queue.push(batch);
    queue.end();
    expect(queue.spilled).toBe(false);
    const taken: unknown[] = [];
    for (let batch = await queue.take(); batch; batch = await queue.take()) taken.push(batch);
    expect(taken).toEqual(sent);
  });
});
