import { expect, it } from "@jest/globals";
import { hostname } from "node:os";
import type { Page } from "puppeteer-core";
import { Codex } from "../src/bullmq/index.js";
import {
  delayed,
  message,
  ModelStandIn,
  reply,
  responseFailed,
} from "../src/model-stand-in/index.js";
import { rawStatusLine } from "./support/raw-request.js";
import { describeWithBrowser, openPage, screenshot } from "./support/browser.js";
import { within } from "./support/deadlines.js";
import { startWorkerProcess } from "./support/queue-workers.js";
import { MODEL } from "./support/real-codex.js";
import { startRedis } from "./support/redis.js";
import { atTeardown, tempDir, tracked } from "./support/rig-registry.js";

// The producer's queue page in a real headless chromium: a real Redis, a worker process on the
// real binary against the stand-in, and what an operator sees while turns run and after.

const WAIT = { timeout: 20_000 };

/** The text of the page's `section` (running, queued, finished, workers, summary). */
const sectionText = (page: Page, section: string) =>
  page.$eval(`#${section}`, (el) => el.textContent ?? "");

/** Waits until `section` of the page shows `text`. */
const waitForText = (page: Page, section: string, text: string) =>
  page.waitForFunction(
    `document.getElementById(${JSON.stringify(section)})?.textContent.includes(${JSON.stringify(text)})`,
    WAIT,
  );

describeWithBrowser("the queue page of a distributed Codex, in chromium", () => {
  it("shows the workers, a running turn with the worker holding it, then the turns that ended, failed ones with their error", async () => {
    const redis = await startRedis();
    const standIn = await ModelStandIn.start([
      delayed(3_000, reply(message("Done."))),
      responseFailed("invalid_prompt", "Flagged by the stand-in"),
    ]);
    atTeardown("the model stand-in", () => standIn.close());
    const queue = { connection: redis.connection, name: "page" };
    const w = await startWorkerProcess({ port: redis.port, name: "page", standInUrl: standIn.url });
    const workerId = `${hostname()}:${w.pid}`;
    const codex = tracked(new Codex({ queue }));
    const options = { model: MODEL, skipGitRepoCheck: true, workingDirectory: tempDir("page") };

    const { url } = await codex.devtools();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
    expect((await fetch(url.replace(/token=.*/, "token=wrong"))).status).toBe(401);
    expect(await rawStatusLine(url, "GET http://[ HTTP/1.1")).toBe("HTTP/1.1 400 Bad Request");
    const { page } = await openPage(url);
    await waitForText(page, "workers", workerId);

    const slow = codex.startThread(options).runStreamed("slow");
    const { turnId, events } = await slow;
    const first = await events.next();
    expect(first.value).toMatchObject({ type: "thread.started" });
    await waitForText(page, "running", workerId);
    expect(await sectionText(page, "running")).toContain(turnId.slice(0, 8));
    await screenshot(page, "queue-running");

    for await (const _ of events);
    const failing = codex.startThread(options).run("flagged");
    await expect(within(failing, 30_000, "the failing turn")).rejects.toMatchObject({
      name: "TurnFailedError",
    });
    await waitForText(page, "finished", "failed");
    const finished = await sectionText(page, "finished");
    expect(finished).toContain(turnId.slice(0, 8));
    expect(finished).toContain("completed");
    expect(finished).toContain("Flagged by the stand-in");
    expect(await sectionText(page, "running")).toContain("none");
    expect(await sectionText(page, "summary")).toContain("1 failed");
    await screenshot(page, "queue-finished");
  });
});
