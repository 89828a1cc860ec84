// The PR bot: fixes the build in one turn under a repository lock and opens a pull request only
// when the turn completed. Its tests (pr-bot.test.ts, pr-bot.vitest.ts) run it on every path a
// turn can take.
import type { Codex, ThreadOptions, TurnOptions } from "codex-actors";

/** Where the bot opens pull requests. */
export type Forge = { openPullRequest: (title: string, body: string) => Promise<void> };

/** A lock on the repository, so two bots never work on it at once. */
export type RepoLock = { acquire: () => Promise<void>; release: () => Promise<void> };

/** What the bot needs: a Codex, the forge, the lock, and how to run its thread and turn. */
export type PrBotDeps = {
  codex: Codex;
  forge: Forge;
  lock: RepoLock;
  threadOptions?: ThreadOptions;
  turnOptions?: TurnOptions;
};

/**
 * "Fix the failing build and open a PR": one turn under the repository lock; a pull request
 * only when the turn completed; the lock released whatever happens.
 */
export async function fixTheBuild(deps: PrBotDeps): Promise<"opened" | "not-opened"> {
  await deps.lock.acquire();
  try {
    const thread = deps.codex.startThread(deps.threadOptions);
    const turn = await thread.run("The build fails. Fix it.", deps.turnOptions);
    await deps.forge.openPullRequest("Fix the build", turn.finalResponse);
    return "opened";
  } catch {
    // Failed, gave up after restarts, aborted, shut down, timed out or escalated: no PR.
    return "not-opened";
  } finally {
    await deps.lock.release();
  }
}
