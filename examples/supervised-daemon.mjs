// A supervised daemon: jobs run as turns under a restart policy and a concurrency bound; on
// SIGTERM it stops taking jobs, gives running turns 5 s, and exits once no codex process remains.
import { Codex, ShutdownError } from "codex-actors";

const codex = new Codex({
  maxConcurrentTurns: 2,
  supervision: { restart: "transient", maxRestarts: 3, withinMs: 60_000 },
  escalation: { maxFailures: 5, withinMs: 60_000 },
});

let stopping = false;
process.once("SIGTERM", async () => {
  stopping = true;
  console.log("SIGTERM: shutting down");
  await codex.shutdown({ timeoutMs: 5_000 });
  console.log("shut down cleanly");
  process.exit(0);
});

const jobs = ["triage issue 1", "triage issue 2", "triage issue 3"];
for (let n = 0; !stopping; n++) {
  const job = jobs[n % jobs.length];
  try {
    const turn = await codex.startThread({ skipGitRepoCheck: true }).run(job);
    console.log(`done: ${job}: ${turn.finalResponse}`);
  } catch (error) {
    if (error instanceof ShutdownError) break;
    console.log(`failed: ${job}: ${error.name}`);
  }
}
