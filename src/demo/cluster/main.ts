import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Codex } from "../../bullmq/index.js";
import { ModelStandIn } from "../../model-stand-in/index.js";
import { runDemo } from "./lifecycle.js";
import { clusterScript } from "./model-script.js";
import { MissingRedisError, startRedisServer } from "./redis-server.js";
import { Teardown } from "./teardown.js";
import { startDemoWorker, type DemoWorker } from "./worker-process.js";

/** Threads the producer runs, and turns in each. */
const THREADS = 3;
const TURNS = 3;
/** The turn whose worker is killed while it runs (the stand-in holds its answer). */
const DOOMED = "thread 1, turn 2";
/** When the demo gives up, tears down and exits 1. */
const DEADLINE_MS = 90_000;
/** How long after the doomed turn's model request its worker is killed. */
const KILL_AFTER_MS = 300;

const started = performance.now();
/** Set once the demo is stopping: what its turns do then is not part of the story. */
let quiet: AbortSignal | undefined;
const log = (line: string) => {
  if (quiet?.aborted) return;
  console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`);
};

/**
 * `npm run demo:cluster`: codex-actors/bullmq on one machine. A redis-server, the model
 * stand-in, two worker processes (the real codex binary) and a producer running several
 * threads' turns through the queue; one worker is SIGKILLed in the middle of a turn, and the
 * other finishes the work. Prints who ran what and how the killed turn ended.
 */
async function cluster(teardown: Teardown, root: string, signal: AbortSignal): Promise<boolean> {
  quiet = signal;
  console.log(
    "codex-actors/bullmq on one machine: a redis-server, the model stand-in, two worker " +
      `processes running the real codex binary, and a producer.\nThe worker that runs ` +
      `"${DOOMED}" is SIGKILLed in the middle of it; the other carries on.\n`,
  );
  const baseEnv = { PATH: process.env.PATH ?? "", [MARK_NAME]: MARK_VALUE };
  const redisDir = path.join(root, "redis");
  mkdirSync(redisDir);
  const redis = await startRedisServer(redisDir, baseEnv);
  teardown.add("stop redis-server", () => redis.stop());
  log(
    `redis-server on 127.0.0.1:${redis.port} (pid ${redis.pid}, append-only file in a temp folder)`,
  );

  const workers = new Map<string, DemoWorker>();
  let kill: Promise<number> | undefined;
  const ranOn = new Map<string, string>();
  const completedOn: string[] = [];
  const standIn = await ModelStandIn.start(
    [],
    clusterScript(DOOMED, (call) => {
      ranOn.set(call.prompt, call.worker);
      log(`worker ${call.worker} runs ${call.prompt}${call.again ? " again" : ""}`);
      const victim = workers.get(call.worker);
      if (call.prompt === DOOMED && !call.again && victim && !signal.aborted)
        kill ??= killMidTurn(victim);
    }),
  );
  teardown.add("close the model stand-in", () => standIn.close());
  log(`model stand-in on ${standIn.url} (answers each turn after 0.7 s; holds ${DOOMED})`);

  const queue = { port: redis.port, name: "demo-turns", standInUrl: standIn.url };
  for (const worker of await Promise.all(
    ["A", "B"].map((label) => startDemoWorker(label, root, baseEnv, queue)),
  )) {
    workers.set(worker.label, worker);
    teardown.add(`stop worker ${worker.label}`, () => worker.stop(3_000));
    log(`worker ${worker.label} ready (pid ${worker.pid}, its own HOME and CODEX_HOME)`);
  }

  const codex = new Codex({
    queue: { connection: { host: "127.0.0.1", port: redis.port }, name: queue.name },
  });
  teardown.add("shut the producer down", () => codex.shutdown({ timeoutMs: 0 }));
  const work = path.join(root, "work");
  mkdirSync(work);
  log(`producer: ${THREADS} threads of ${TURNS} turns each, through the queue`);
  const outcomes = await Promise.all(
    Array.from({ length: THREADS }, async (_, t) => {
      const thread = codex.startThread({
        model: "gpt-5.5",
        workingDirectory: work,
        skipGitRepoCheck: true,
        sandboxMode: "danger-full-access",
      });
      const ended: Array<{ prompt: string; ok: boolean }> = [];
      for (let n = 1; n <= TURNS; n++) {
        const prompt = `thread ${t + 1}, turn ${n}`;
        try {
          await thread.run(prompt);
          const how = prompt === DOOMED ? "completed on re-run" : "completed";
          const worker = ranOn.get(prompt) ?? "?";
          completedOn.push(worker);
          log(`✓ ${prompt}: ${how} (worker ${worker})`);
          ended.push({ prompt, ok: true });
        } catch (error) {
          const { name, message } = error as Error;
          const since =
            kill && prompt === DOOMED ? ` (${secondsSince(await kill)} after the kill)` : "";
          log(`✗ ${prompt}: ${name}: ${message}${since}`);
          ended.push({ prompt, ok: false });
        }
      }
      return ended;
    }),
  );
  await kill;
  if (signal.aborted) return false;
  return verdict(outcomes.flat(), completedOn, kill !== undefined);
}

/** SIGKILLs `worker` and its codex a moment into the doomed turn; resolves with when it did. */
async function killMidTurn(worker: DemoWorker): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, KILL_AFTER_MS));
  await worker.kill();
  log(
    `SIGKILL worker ${worker.label} (pid ${worker.pid}) and its codex, in the middle of ${DOOMED}`,
  );
  return performance.now();
}

const secondsSince = (time: number) => `${((performance.now() - time) / 1000).toFixed(1)} s`;

/** Says what happened; true if the kill happened and every other turn completed. */
function verdict(
  outcomes: Array<{ prompt: string; ok: boolean }>,
  completedOn: string[],
  killed: boolean,
): boolean {
  const others = outcomes.filter((turn) => turn.prompt !== DOOMED);
  const failed = others.filter((turn) => !turn.ok).map((turn) => turn.prompt);
  const count = (label: string) => completedOn.filter((worker) => worker === label).length;
  console.log(
    `\n${others.length - failed.length} of ${others.length} other turns completed ` +
      `(worker A ${count("A")}, worker B ${count("B")})` +
      (killed ? "; the killed worker's turn ended as printed above" : "; no worker was killed"),
  );
  if (failed.length > 0) console.log(`failed: ${failed.join("; ")}`);
  return killed && failed.length === 0;
}

const MARK_NAME = "CODEX_ACTORS_DEMO";
const MARK_VALUE = String(process.pid);
const root = mkdtempSync(path.join(tmpdir(), "codex-actors-cluster-"));
const teardown = new Teardown(`${MARK_NAME}=${MARK_VALUE}`, root);
runDemo(teardown, DEADLINE_MS, (signal) =>
  cluster(teardown, root, signal).catch((error: unknown) => {
    if (!(error instanceof MissingRedisError)) throw error;
    console.error(error.message);
    return false;
  }),
);
