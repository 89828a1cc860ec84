// Sequential turns of the real `codex` binary against the local model stand-in (scenario 5):
// each turn runs one shell command, then answers. Returns every turn's duration.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import {
  ModelStandIn,
  message,
  reply,
  shellCommand,
  standInConfig,
} from "../../dist/model-stand-in/index.js";
import { createCodex } from "../consumers/index.mjs";
import { realCodexBinary } from "../consumers/raw-argv.mjs";

// Runs `spec.turns` turns on one thread and times each.
export async function run(spec) {
  const standIn = await ModelStandIn.start([], () => reply(message("done")));
  const root = mkdtempSync(path.join(tmpdir(), "codex-actors-bench-"));
  const home = path.join(root, "home");
  const work = path.join(root, "work");
  for (const dir of [home, work]) mkdirSync(dir);
  const binary = realCodexBinary();
  const codex = createCodex(spec.consumer, {
    executablePath: binary.executablePath,
    apiKey: "bench-key",
    config: standInConfig(standIn.url),
    env: { PATH: `${binary.pathDir}:${process.env.PATH}`, HOME: root, CODEX_HOME: home },
  });
  const thread = codex.startThread({
    model: "gpt-5.5",
    sandboxMode: "danger-full-access",
    workingDirectory: work,
    skipGitRepoCheck: true,
  });
  const turnMs = [];
  try {
    for (let i = 0; i < spec.turns; i++) {
      standIn.enqueue(reply(shellCommand(`echo turn ${i}`)), reply(message(`done ${i}`)));
      const started = performance.now();
      const { events } = await thread.runStreamed(`turn ${i}`);
      let completed = false;
      for await (const event of events) completed ||= event.type === "turn.completed";
      if (!completed) throw new Error(`turn ${i} did not complete`);
      turnMs.push(performance.now() - started);
    }
  } finally {
    await standIn.close();
    rmSync(root, { recursive: true, force: true });
  }
  return { turnMs };
}
