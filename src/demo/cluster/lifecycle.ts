import type { Teardown } from "./teardown.js";

/** How long the teardown may take, all steps together, before the last resort. */
const TEARDOWN_MS = 30_000;

/**
 * Runs `demo` to its end, its deadline, or Ctrl-C (SIGINT, SIGTERM), whichever comes first (its
 * `signal` aborts then, so that it stops telling its story); then tears down what it started,
 * says whether anything is left, and exits: 0 if `demo` resolved true, 130 after a signal, 1
 * otherwise. A teardown that hangs is cut short by a last resort
 * that kills what carries the demo's mark.
 */
export function runDemo(
  teardown: Teardown,
  deadlineMs: number,
  demo: (signal: AbortSignal) => Promise<boolean>,
): void {
  const story = new AbortController();
  const end = (code: number, why?: string) => {
    if (story.signal.aborted) return;
    story.abort();
    if (why) console.error(why);
    clearTimeout(deadline);
    setTimeout(() => {
      console.error(`cleanup did not finish within ${TEARDOWN_MS / 1000} s: killing what is left`);
      teardown.runNow();
      process.exit(1);
    }, TEARDOWN_MS).unref();
    console.log("\ncleaning up: producer, workers, model stand-in, redis-server, temp folder");
    void teardown.run().then(() => {
      const left = teardown.leftovers();
      console.log(
        left.length === 0 ? "nothing left running" : `still running:\n${left.join("\n")}`,
      );
      process.exit(left.length === 0 ? code : 1);
    });
  };
  const deadline = setTimeout(
    () => end(1, `\nthe demo did not finish within ${deadlineMs / 1000} s`),
    deadlineMs,
  );
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.on(signal, () => end(130, `\n${signal}: stopping`));
  demo(story.signal).then(
    (ok) => end(ok ? 0 : 1),
    (error: unknown) =>
      end(1, `\nthe demo failed: ${error instanceof Error ? error.message : String(error)}`),
  );
}
