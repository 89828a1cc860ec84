import { afterEach, describe, expect, it } from "@jest/globals";
import diagnostics from "node:diagnostics_channel";
import { ThreadHistories, type HistoryUpdate } from "../src/devtools/history.js";
import { CHANNEL_NAMES } from "../src/telemetry/channels.js";
import {
  LIVE_ITEMS_KEPT,
  LIVE_TEXT_KEPT,
  LiveTexts,
  type LiveAppend,
} from "../src/devtools/live-text.js";

// The text of items being written, as the devtools server keeps it apart from the history.

describe("LiveTexts", () => {
  const flushed: LiveAppend[][] = [];
  let live = new LiveTexts((appends) => flushed.push(appends));
  afterEach(() => {
    live.stop();
    flushed.length = 0;
    live = new LiveTexts((appends) => flushed.push(appends));
  });
  const flush = () => new Promise((resolve) => setTimeout(resolve, 150));

  it("grows an item in place and sends what was appended in one batch", async () => {
    for (const word of ["a", "b", "c"]) live.append("thread-1", "item_1", "agent_message", 2, word);
    expect(live.all()).toEqual({
      "thread-1": [expect.objectContaining({ itemId: "item_1", text: "abc", turn: 2 })],
    });
    await flush();
    expect(flushed).toEqual([[expect.objectContaining({ itemId: "item_1", append: "abc" })]]);
  });

  it("drops a completed item and what was not sent of it; an ended attempt drops its thread's", async () => {
    live.append("thread-1", "item_1", "agent_message", 1, "done soon");
    live.complete("thread-1", "item_1");
    live.append("thread-2", "item_2", "reasoning", 1, "thinking");
    live.endAttempt("thread-2");
    await flush();
    expect(flushed).toEqual([]);
    expect(live.all()).toEqual({ "thread-1": [] });
  });

  it("keeps at most LIVE_ITEMS_KEPT items a thread and LIVE_TEXT_KEPT characters an item", () => {
    for (let n = 0; n <= LIVE_ITEMS_KEPT; n++)
      live.append("t", `item_${n}`, "agent_message", 1, "x");
    live.append("t", "long", "command_output", 1, "y".repeat(LIVE_TEXT_KEPT + 10));
    live.append("t", "long", "command_output", 1, "more");
    const items = live.all().t!;
    expect(items).toHaveLength(LIVE_ITEMS_KEPT);
    expect(items.map((item) => item.itemId)).not.toContain("item_0");
    const long = items.find((item) => item.itemId === "long")!;
    expect(long.text).toHaveLength(LIVE_TEXT_KEPT);
    expect(long.text.endsWith("yymore")).toBe(true);
    expect(long.written).toBe(LIVE_TEXT_KEPT + 14);
  });
});

describe("ThreadHistories' listeners", () => {
  it("drops a listener that throws, inside a channel publish or at the flush timer, and tells the others", async () => {
    const histories = new ThreadHistories(
      () => true,
      () => 1,
    );
    histories.start();
    try {
      const told: HistoryUpdate[] = [];
      let thrown = 0;
      histories.listen(() => {
        thrown++;
        throw new Error("a broken page connection");
      });
      let thrownAtFlush = 0;
      histories.listen((update) => {
        if (!("appends" in update)) return;
        thrownAtFlush++;
        throw new Error("broken at the flush");
      });
      histories.listen((update) => told.push(update));
      const publish = (event: object) =>
        diagnostics.channel(CHANNEL_NAMES.event).publish({
          threadKey: "t",
          turnId: "turn",
          attempt: 1,
          event,
        });
      publish({ type: "turn.started" }); // told inside the publish: the first throws there
      publish({ type: "item.delta", item_id: "item_1", kind: "agent_message", delta: "hi" });
      await new Promise((resolve) => setTimeout(resolve, 150)); // the flush, on its timer
      publish({ type: "item.delta", item_id: "item_1", kind: "agent_message", delta: "!" });
      await new Promise((resolve) => setTimeout(resolve, 150)); // a second flush
      expect(thrown).toBe(1);
      expect(thrownAtFlush).toBe(1);
      expect(told).toEqual([
        { record: expect.objectContaining({ threadKey: "t", kind: "event" }) },
        { appends: [expect.objectContaining({ itemId: "item_1", append: "hi" })] },
        { appends: [expect.objectContaining({ itemId: "item_1", append: "!" })] },
      ]);
    } finally {
      histories.stop();
    }
  });
});
