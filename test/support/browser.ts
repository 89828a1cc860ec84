import { describe } from "@jest/globals";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { atTeardown } from "./rig-registry.js";

/** The browser the page tests drive: Debian's `chromium` (override with CODEX_ACTORS_CHROMIUM). */
export const CHROMIUM = process.env.CODEX_ACTORS_CHROMIUM ?? "/usr/bin/chromium";

/** Set by `.ci/run`: a missing browser fails the suite instead of skipping it. */
const REQUIRED = process.env.CODEX_ACTORS_REQUIRE_BROWSER === "1";

/** Where the screenshots of the page tests go (gitignored). */
export const SCREENSHOTS = fileURLToPath(
  new URL("../../test-artifacts/devtools/", import.meta.url),
);

/**
 * `describe`, or — when no browser is installed and CI does not require one — a visibly skipped
 * suite whose title and a warning say how to get one. With CODEX_ACTORS_REQUIRE_BROWSER=1 the
 * suite runs anyway, and fails on the missing browser.
 */
export function describeWithBrowser(title: string, suite: () => void): void {
  if (existsSync(CHROMIUM) || REQUIRED) return describe(title, suite);
  const how = `no browser at ${CHROMIUM}: install one with \`apt-get install -y chromium\` (or set CODEX_ACTORS_CHROMIUM)`;
  console.warn(`SKIPPED "${title}": ${how}`);
  describe.skip(`${title} — SKIPPED, ${how}`, suite);
}

/** A page of the browser, and every URL it requested. */
export type BrowserPage = { page: Page; requested: string[] };

/** A 1280×800 page of a fresh headless chromium, closed after the test whatever its outcome. */
export async function openPage(url: string): Promise<BrowserPage> {
  const browser: Browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--headless=new", "--disable-gpu", "--no-first-run"],
  });
  atTeardown("a headless chromium", async () => {
    const child = browser.process();
    await Promise.race([browser.close(), new Promise((resolve) => setTimeout(resolve, 5_000))]);
    if (child && child.exitCode === null) child.kill("SIGKILL");
  });
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  const requested: string[] = [];
  page.on("request", (request) => requested.push(request.url()));
  await page.goto(url);
  return { page, requested };
}

/** Saves a screenshot of `page` as test-artifacts/devtools/`name`.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) as `${string}.png` });
}
