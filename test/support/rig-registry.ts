import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

// What the global `afterEach` (teardown-after-each.ts) undoes after every test, whatever its
// outcome: each rig, `Codex` and temp folder a test makes registers its teardown here when it is
// created, and they run newest first.

type Teardown = { what: string; run: () => Promise<void> };

const registered: Teardown[] = [];

/** How long one teardown may take before it is reported as failed (the next ones still run). */
const TEARDOWN_BOUND_MS = 10_000;

/** Registers `teardown` for the end of the test; returns it run-once, to call earlier if wanted. */
export function atTeardown(what: string, teardown: () => unknown): () => Promise<void> {
  let done: Promise<void> | undefined;
  const run = () =>
    (done ??= Promise.resolve()
      .then(teardown)
      .then(() => undefined));
  registered.push({ what, run });
  return run;
}

/** Registers a `Codex` (or anything with its `shutdown`) to be shut down at once after the test. */
export function tracked<T extends { shutdown(options?: { timeoutMs?: number }): Promise<void> }>(
  codex: T,
): T {
  atTeardown("a Codex", () => codex.shutdown({ timeoutMs: 0 }));
  return codex;
}

/**
 * Removes `dir` and all it holds. A codex that is still exiting may write one last file (its
 * skills cache) meanwhile: the removal retries on ENOTEMPTY rather than failing the teardown.
 */
export const removeFolder = (dir: string): void =>
  rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });

/** A fresh folder `codex-actors-<name>-*` in the temp dir, removed after the test. */
export function tempDir(name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `codex-actors-${name}-`));
  atTeardown(`the temp folder ${dir}`, () => removeFolder(dir));
  return dir;
}

function bounded(work: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`did not finish within ${TEARDOWN_BOUND_MS} ms`)),
      TEARDOWN_BOUND_MS,
    );
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** Runs every registered teardown, newest first; throws naming those that failed. */
export async function tearDownAll(): Promise<void> {
  const failures: string[] = [];
  for (let next = registered.pop(); next; next = registered.pop()) {
    try {
      await bounded(next.run());
    } catch (error) {
      failures.push(`${next.what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (failures.length > 0) throw new Error(`teardown failed:\n${failures.join("\n")}`);
}
