import { startWorker } from "../../bullmq/index.js";
import { standInConfig } from "../../model-stand-in/index.js";

/** What the cluster demo gives each worker process, as JSON in `DEMO_WORKER`. */
export type DemoWorkerSettings = {
  /** The Redis port on 127.0.0.1. */
  port: number;
  /** The queue's name. */
  name: string;
  /** The model stand-in's URL. */
  standInUrl: string;
  /** The worker's API key: the stand-in tells the workers apart by it. */
  apiKey: string;
  /** The environment of its codex, built from scratch (PATH, HOME, CODEX_HOME, the demo's mark). */
  env: Record<string, string>;
};

/**
 * One worker of the cluster demo, in a process of its own: `startWorker` from `dist/bullmq.js`
 * with the real codex binary against the stand-in, and BullMQ's lock and stall intervals short, so
 * that a killed worker's turn is found within seconds. Prints `ready` once it takes turns;
 * SIGTERM closes it gracefully, and it exits when the demo that started it is gone.
 */
async function main(): Promise<void> {
  const settings = JSON.parse(process.env.DEMO_WORKER ?? "{}") as DemoWorkerSettings;
  const worker = await startWorker({
    connection: { host: "127.0.0.1", port: settings.port },
    name: settings.name,
    concurrency: 1,
    codex: {
      apiKey: settings.apiKey,
      config: { ...standInConfig(settings.standInUrl), allow_login_shell: false },
      env: settings.env,
    },
    bullmq: { lockDuration: 4_000, stalledInterval: 2_000 },
  });
  process.once("SIGTERM", () => {
    worker.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`close failed: ${String(error)}`);
        process.exit(1);
      },
    );
  });
  // The demo holds our stdin: if it dies without stopping us, we go too (our codex with us).
  process.stdin.on("end", () => process.exit(1)).resume();
  console.log("ready");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
