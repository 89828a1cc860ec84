import { expect, it } from "@jest/globals";
import type { Page } from "puppeteer-core";
import type { Codex, SupervisionPolicy, Thread } from "../src/index.js";
import { httpError, message, reply, shellCommand } from "../src/model-stand-in/index.js";
import { describeWithBrowser, openPage, screenshot } from "./support/browser.js";
import { openDevtools } from "./support/devtools.js";
import { mockCodex, type MockStep } from "./support/mock-codex.js";
import { MODEL, realCodex } from "./support/real-codex.js";

// The devtools page in a real headless chromium, against a live Codex: what an operator sees.

/** Long enough a backoff for the page to show it; no timing is asserted. */
const slowBackoff: SupervisionPolicy = {
  backoff: { initialMs: 2_000, jitter: false },
  restartServiceFailures: true,
};
const WAIT = { timeout: 20_000 };

/** The text the page shows for `selector` inside thread `key`'s card, or null. */
const threadText = (page: Page, key: string, role: string) =>
  page
    .$eval(`[data-thread="${key}"] [data-role="${role}"]`, (el) => el.textContent)
    .catch(() => null);

/** Waits until thread `key`'s card shows the state `state`. */
async function waitForThreadState(page: Page, key: string, state: string): Promise<void> {
  const selector = `[data-thread="${key}"] [data-role="thread-state"]`;
  await page.waitForFunction(
    `document.querySelector(${JSON.stringify(selector)})?.textContent === ${JSON.stringify(state)}`,
    WAIT,
  );
}

/** Runs a turn that fails once (transiently) and then succeeds, watching it on the page. */
async function watchRestartedTurn(codex: Codex, thread: Thread, scenario: string): Promise<void> {
  const key = codex.getSnapshot().threads.at(-1)!.key;
  const { url } = await openDevtools(codex);
  const { page, requested } = await openPage(url);
  await page.waitForSelector(`[data-thread="${key}"]`, WAIT);
  expect(await threadText(page, key, "thread-state")).toBe("idle");

  const turn = thread.run("Say something, please.");
  await waitForThreadState(page, key, "busy.backingOff");
  await page.waitForSelector(`[data-thread="${key}"] [data-role="backoff"]`, WAIT);
  expect(await threadText(page, key, "backoff")).toMatch(/next attempt in \d+\.\d s/);
  expect(
    await page.$(`[data-chart="${key}"] .box.active[data-state="busy.backingOff"]`),
  ).not.toBeNull();
  await screenshot(page, `${scenario}-backing-off`);

  const result = await turn;
  expect(result.attempts).toBe(2);
  await waitForThreadState(page, key, "idle");
  expect(await page.$(`[data-chart="${key}"] .box.active[data-state="idle"]`)).not.toBeNull();
  await page.waitForFunction(`document.querySelectorAll('[data-role="event"]').length >= 3`, WAIT);
  await page.waitForSelector('[data-role="restart"]', WAIT);
  await screenshot(page, `${scenario}-recovered`);
  // Everything the page needs comes from its own server: no CDN, no network.
  const origin = new URL(url).origin;
  expect(requested.length).toBeGreaterThanOrEqual(3);
  expect(requested.filter((address) => !address.startsWith(`${origin}/`))).toEqual([]);
}

describeWithBrowser("the devtools page in headless chromium", () => {
  it("shows a mock-codex thread back off after a crash and recover, with its events", async () => {
    const started: MockStep[] = [{ threadStarted: true }, { emit: { type: "turn.started" } }];
    const { codex } = mockCodex(
      { attempts: [[...started, { exit: 1 }], [{ turn: "recovered" }]] },
      { supervision: slowBackoff },
    );
    await watchRestartedTurn(codex, codex.startThread(), "mock-codex");
  });

  it("shows a real-binary thread back off after an HTTP 500 and recover, with its events", async () => {
    const rig = await realCodex([httpError(500), reply(message("Recovered after a 500."))], {
      supervision: slowBackoff,
    });
    const codex = rig.makeCodex({ supervision: slowBackoff });
    await watchRestartedTurn(codex, rig.startThread(codex), "real-binary");
  }, 60_000);

  it("shows the app-server, an approval waiting on a real-binary turn, and its answer", async () => {
    const rig = await realCodex();
    rig.standIn.enqueue(reply(shellCommand("touch approved.txt")), reply(message("done")));
    let answer!: (decision: "accept") => void;
    const codex = rig.makeCodex({
      transport: "app-server",
      onApproval: () => new Promise((resolve) => (answer = resolve)),
    });
    const thread = codex.startThread({
      model: MODEL,
      workingDirectory: rig.workdir,
      sandboxMode: "danger-full-access",
      approvalPolicy: "untrusted",
    });
    const key = codex.getSnapshot().threads[0]!.key;
    const { url } = await openDevtools(codex);
    const { page } = await openPage(url);
    const turn = thread.run("Touch approved.txt.");

    await page.waitForSelector('[data-actor="service"]', WAIT);
    await page.waitForSelector('[data-role="approvalRequested"]', WAIT);
    expect(await page.$eval('[data-role="approvalRequested"]', (el) => el.textContent)).toContain(
      "touch approved.txt",
    );
    await page.waitForFunction(
      `document.querySelector('[data-thread="${key}"] [data-fact="approvals waiting"]')?.textContent === "1"`,
      WAIT,
    );
    // The wait is counted, on the card and in the summary bar.
    await page.waitForFunction(
      `/^awaiting approval \\(for [1-9]\\d* s\\)$/.test(document.querySelector('[data-thread="${key}"] [data-role="status"]')?.textContent)`,
      WAIT,
    );
    expect(await page.$eval('[data-count="awaiting"]', (el) => el.textContent)).toBe("1");
    expect(await page.$eval('[data-actor="service"] .state', (el) => el.textContent)).not.toBe("");
    await screenshot(page, "app-server-approval-waiting");

    answer("accept");
    expect((await turn).finalResponse).toBe("done");
    await page.waitForSelector('[data-role="approvalResolved"]', WAIT);
    expect(await page.$eval('[data-role="approvalResolved"]', (el) => el.textContent)).toMatch(
      /approval settled after \d+\.\d s: command/,
    );
    await waitForThreadState(page, key, "idle");
    await screenshot(page, "app-server-approval-answered");

    // Named, the thread is labelled by its name.
    await thread.setName("deploy-bot");
    await page.waitForFunction(
      `document.querySelector('[data-thread="${key}"] [data-role="label"]')?.textContent === "deploy-bot"`,
      WAIT,
    );
    await screenshot(page, "app-server-named");
  }, 60_000);

  it("shows a steer of a real-binary turn in the thread's history", async () => {
    const rig = await realCodex([reply(shellCommand("sleep 1.5")), reply(message("steered"))]);
    const codex = rig.makeCodex({ transport: "app-server" });
    const { url } = await openDevtools(codex);
    const { page } = await openPage(url);
    const turn = await rig.startThread(codex).runStreamed("Run the tests.");
    let steered: Promise<void> | undefined;
    for await (const event of turn.events)
      if (event.type === "item.started" && event.item.type === "command_execution")
        steered = turn.steer("and this too");
    await steered;
    expect((await turn.result).finalResponse).toBe("steered");
    await page.waitForSelector('[data-role="steer"]', WAIT);
    expect(await page.$eval('[data-role="steer"]', (el) => el.textContent)).toContain(
      "steered (12 characters added to the running turn)",
    );
    await screenshot(page, "app-server-steered");
  }, 60_000);
});
