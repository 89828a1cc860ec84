import { afterAll, afterEach } from "@jest/globals";
import { describeProcesses, descendants, isOwnSentinel, reap } from "./leftover-processes.mjs";
import { tearDownAll } from "./rig-registry.js";

// Loaded into every test file (jest's setupFilesAfterEnv). After each test, whatever its
// outcome, every rig, Codex and temp folder it registered is torn down, and then no process it
// started may be left: leftovers are killed and fail the test (or, after the last test, the file).

async function noProcessLeft(): Promise<void> {
  const killed = await reap(() => descendants(isOwnSentinel), 3_000);
  if (killed.length > 0)
    throw new Error(
      `processes left behind (now killed), started by this test or by a Codex an earlier test ` +
        `did not register:\n${describeProcesses(killed)}`,
    );
}

afterEach(async () => {
  const failures: unknown[] = [];
  await tearDownAll().catch((error: unknown) => failures.push(error));
  await noProcessLeft().catch((error: unknown) => failures.push(error));
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, failures.map(String).join("\n"));
});

afterAll(noProcessLeft);
