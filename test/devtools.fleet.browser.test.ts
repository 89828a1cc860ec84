import { expect, it } from "@jest/globals";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Page } from "puppeteer-core";
import type { Thread } from "../src/index.js";
import { mockScenario, type MockCodexStep } from "../src/testing/index.js";
import { describeWithBrowser, openPage, screenshot } from "./support/browser.js";
import { openDevtools } from "./support/devtools.js";
import { fakeServerCodex, type FakeStep } from "./support/fake-app-server.js";
import { FAKE_THREAD, runningTurn, turnEnded } from "./support/fake-turn-steps.js";
import { mockCodex } from "./support/mock-codex.js";
import { eventually } from "./support/processes.js";
import { tempDir } from "./support/rig-registry.js";

// The devtools page for a fleet, in headless chromium: 100 threads an operator opens the page on
// after the fact, and a flood of deltas the page must stay responsive under.

const WAIT = { timeout: 30_000 };
const THREADS = 100;

/** The text of the first element matching `selector`, or null. */
const textOf = (page: Page, selector: string) =>
  page.$eval(selector, (el) => el.textContent).catch(() => null);

/** How many elements match `selector`. */
const countOf = (page: Page, selector: string) =>
  page.$$eval(selector, (elements) => elements.length);

/** Waits until `selector` matches exactly `count` elements. */
const waitForCount = (page: Page, selector: string, count: number) =>
  page.waitForFunction(
    `document.querySelectorAll(${JSON.stringify(selector)}).length === ${count}`,
    WAIT,
  );

describeWithBrowser("the devtools page for a fleet, in headless chromium", () => {
  it("shows 100 threads by working directory and status, counts them, filters them, opened after the fact", async () => {
    // Runs take the scenario's lists in order: 20 complete, 5 crash, then every later one hangs.
    const hangs: MockCodexStep[] = [
      { threadStarted: true },
      { emit: { type: "turn.started" } },
      { hang: true },
    ];
    const attempts = [
      ...Array.from({ length: 20 }, () => mockScenario.completes("done")),
      ...Array.from({ length: 5 }, () => mockScenario.crashAt("after-turn-started")),
      hangs,
    ];
    const { codex } = mockCodex({ attempts }, { supervision: false, maxConcurrentTurns: 30 });
    const repos = tempDir("fleet");
    const threads: Thread[] = Array.from({ length: THREADS }, (_, n) => {
      const workingDirectory = path.join(repos, `repo-${String(n).padStart(2, "0")}`);
      mkdirSync(workingDirectory);
      return codex.startThread({ workingDirectory, skipGitRepoCheck: true });
    });
    // One at a time, so each run takes the list meant for it.
    for (const thread of threads.slice(0, 25)) await thread.run("work").catch(() => undefined);
    // Then 35 turns that hang, started one by one (each process reads its list alone): 30 run,
    // 5 wait for a concurrency slot; one running is aborted, and a waiting one takes its slot.
    const aborted = new AbortController();
    const hanging: Array<Promise<unknown>> = [];
    for (const [n, thread] of threads.slice(25, 60).entries()) {
      hanging.push(thread.run("work", n === 0 ? { signal: aborted.signal } : {}).catch(() => null));
      if (n < 30) await eventually(() => thread.id !== null, `thread ${25 + n}'s start`, 10_000);
    }
    aborted.abort();
    await hanging[0];
    await eventually(() => threads[55]!.id !== null, "a waiting thread in the freed slot", 10_000);
    const behind = threads[30]!.run("more work").catch(() => null);

    // The operator opens the page now: what happened before is in the actors, not in the page.
    const { url } = await openDevtools(codex);
    const { page } = await openPage(url);
    await waitForCount(page, "[data-thread]", THREADS);
    const counts = Object.fromEntries(
      await page.$$eval("[data-count]", (elements) =>
        elements.map((el) => [el.getAttribute("data-count"), el.textContent]),
      ),
    );
    expect(counts).toEqual({
      running: "30",
      queued: "5",
      awaiting: "0",
      failed: "5",
      restarts: "0",
    });

    const keyOf = (n: number) => codex.getSnapshot().threads[n]!.key;
    expect(await textOf(page, `[data-thread="${keyOf(7)}"] [data-role="label"]`)).toMatch(
      /repo-07$/,
    );
    expect(await textOf(page, `[data-thread="${keyOf(7)}"] [data-role="status"]`)).toBe("idle");
    expect(await textOf(page, `[data-thread="${keyOf(22)}"] [data-role="status"]`)).toBe("failed");
    expect(await textOf(page, `[data-thread="${keyOf(22)}"] [data-role="outcome"]`)).toMatch(
      /^last turn failed: exit — /,
    );
    expect(await textOf(page, `[data-thread="${keyOf(25)}"] [data-role="status"]`)).toBe(
      "interrupted",
    );
    expect(await textOf(page, `[data-thread="${keyOf(25)}"] [data-role="outcome"]`)).toMatch(
      /^last turn interrupted: aborted — /,
    );
    expect(await textOf(page, `[data-thread="${keyOf(59)}"] [data-role="status"]`)).toBe("queued");
    await screenshot(page, "fleet-100-threads");

    await page.click('[data-filter="failed"]');
    await waitForCount(page, "[data-thread]", 5);
    const failedStatuses = await page.$$eval('[data-thread] [data-role="status"]', (elements) =>
      elements.map((el) => el.textContent),
    );
    expect(failedStatuses).toEqual(Array(5).fill("failed"));
    await screenshot(page, "fleet-filtered-failed");
    await page.click('[data-filter="running"]');
    await waitForCount(page, "[data-thread]", 30);
    await page.click('[data-filter="running"]');
    await waitForCount(page, "[data-thread]", THREADS);

    // Every statechart of the selected thread fits the 1280 px page, the root's last state too.
    await page.click(`[data-thread="${keyOf(30)}"]`);
    await page.waitForSelector('[data-chart="root"] [data-state="shuttingDown"]', WAIT);
    const rights = await page.$$eval("[data-chart], [data-chart] [data-state]", (elements) =>
      elements.map((el) => el.getBoundingClientRect().right),
    );
    expect(Math.max(...rights)).toBeLessThanOrEqual(1280);
    await screenshot(page, "fleet-thread-selected");

    await codex.shutdown({ timeoutMs: 0 });
    await Promise.all([...hanging, behind]);
  }, 120_000);

  it("folds a flood of 5 000 deltas a second into their item and stays responsive", async () => {
    const ids = { threadId: FAKE_THREAD, turnId: "fake-turn" };
    const notify = (method: string, params: Record<string, unknown>): FakeStep => ({
      notify: { method, params: { ...ids, ...params } },
    });
    const command = {
      type: "commandExecution",
      id: "cmd-1",
      command: "npm test",
      status: "completed",
    };
    // 4 s of deltas, 250 every 50 ms; then the message completes and the turn ends.
    const burst: FakeStep[] = [{ flood: { count: 250, bytes: 40, params: ids } }, { delayMs: 50 }];
    const rig = fakeServerCodex([
      ...runningTurn,
      notify("item/started", { item: { ...command, status: "inProgress" } }),
      notify("item/completed", { item: { ...command, aggregatedOutput: "ok", exitCode: 0 } }),
      ...Array.from({ length: 80 }, () => burst).flat(),
      notify("item/completed", {
        item: { type: "agentMessage", id: "flood", text: "all written" },
      }),
      turnEnded.completed,
    ]);
    const { url } = await openDevtools(rig.codex);
    const { page } = await openPage(url);
    // The slowest input event (to its next paint) and the keys handled, as the page sees them.
    await page.evaluate(`
      window.slowestInput = 0;
      window.inputs = 0;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries())
          window.slowestInput = Math.max(window.slowestInput, entry.duration);
      }).observe({ type: "event", durationThreshold: 16, buffered: true });
      document.addEventListener("keydown", () => (window.inputs += 1), true);
    `);
    const cdp = await page.createCDPSession();

    const turn = await rig.codex.startThread().runStreamed("flood", { deltas: true });
    const reading = (async () => {
      let deltas = 0;
      for await (const event of turn.events) if (event.type === "item.delta") deltas += 1;
      return deltas;
    })();
    await page.waitForSelector('[data-role="live"]', WAIT);
    const liveText = await textOf(page, '[data-role="live"]');
    await screenshot(page, "flood-deltas-folded");
    // Typing while the deltas pour in: each key is handled, and the filter applies.
    await page.click('input[type="search"]');
    for (const key of "npm") {
      await page.keyboard.type(key);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await page.waitForFunction(
      `[...document.querySelectorAll('[data-role="event"]')].every((el) => el.textContent.includes("npm"))`,
      WAIT,
    );
    const during = (await page.evaluate(
      "({ slowest: window.slowestInput, inputs: window.inputs })",
    )) as { slowest: number; inputs: number };
    await screenshot(page, "flood-filtered-while-flooding");

    expect(await reading).toBe(20_000);
    expect((await turn.result).finalResponse).toBe("all written");
    // Typed during the flood, with no input event taking 100 ms or more to handle and paint.
    expect(during.inputs).toBe(3);
    expect(during.slowest).toBeLessThan(100);
    expect(liveText).toMatch(/\d+:x+/);
    // The live text went (the completed message holds it); the command is still there, and the
    // event list holds the few events of the turn, not 20 000 deltas.
    for (let n = 0; n < 3; n++) await page.keyboard.press("Backspace");
    await page.waitForSelector(
      '[data-role="event"][data-type="item.completed:agent_message"]',
      WAIT,
    );
    expect(await countOf(page, '[data-role="live"]')).toBe(0);
    expect(
      await countOf(page, '[data-role="event"][data-type="item.completed:command_execution"]'),
    ).toBe(1);
    expect(Number(await textOf(page, '[data-role="event-count"]'))).toBeLessThan(10);
    // Memory stays bounded: what the page holds after the flood, garbage collected.
    await cdp.send("HeapProfiler.collectGarbage");
    const { usedSize } = await cdp.send("Runtime.getHeapUsage");
    expect(usedSize).toBeLessThan(32 * 1024 * 1024);
    expect(await countOf(page, "*")).toBeLessThan(2_000);
  }, 120_000);
});
