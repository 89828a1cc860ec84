import { createInterface } from "node:readline";

/** How long the page stays up after the session when no one can press Enter. */
const UNATTENDED_MS = 5_000;
/** At a terminal: until Enter, but never longer than this, so the demo always ends. */
const ATTENDED_MS = 60_000;

/**
 * Keeps the devtools page up after the session: until Enter at a terminal (at most a minute),
 * a few seconds otherwise. Ctrl-C ends the wait too, so the demo still cleans up.
 */
export async function keepPageUp(url: string): Promise<void> {
  const attended = Boolean(process.stdin.isTTY);
  const waitMs = attended ? ATTENDED_MS : UNATTENDED_MS;
  console.log(
    `\nThe devtools page stays up ${attended ? "until you press Enter" : `for ${waitMs / 1000} s`}: ${url}`,
  );
  const lines = attended ? createInterface({ input: process.stdin }) : undefined;
  let timer: NodeJS.Timeout | undefined;
  let interrupted = () => {};
  await new Promise<void>((resolve) => {
    timer = setTimeout(resolve, waitMs);
    lines?.once("line", () => resolve());
    interrupted = () => resolve();
    process.once("SIGINT", interrupted);
  });
  clearTimeout(timer);
  process.off("SIGINT", interrupted);
  lines?.close();
}
