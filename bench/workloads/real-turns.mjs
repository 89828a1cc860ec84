// Sequential turns of the real `codex` binary against the benchmark's model stand-in
// (scenarios 5 and 7). Returns every turn's duration.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { consumeTurn, createCodex } from "../consumers/index.mjs";
import { realCodexBinary } from "../consumers/raw-argv.mjs";

// Runs `spec.turns` turns on one thread and times each. With `spec.run`, the SDKs' turns are
// `thread.run()` as a short script calls it (the raw floor has only its loop). Works in
// `spec.root` when given (the benchmark removes it), else in a folder of its own it removes.
export async function run(spec) {
  const root = spec.root ?? mkdtempSync(path.join(tmpdir(), "codex-actors-bench-"));
  const home = path.join(root, "home");
  const work = path.join(root, "work");
  for (const dir of [home, work]) mkdirSync(dir);
  const binary = realCodexBinary();
  const codex = createCodex({
    executablePath: binary.executablePath,
    apiKey: "bench-key",
    config: spec.config,
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
      const started = performance.now();
      let completed = false;
      if (spec.run && thread.run) {
        completed = (await thread.run(`turn ${i}`)).finalResponse === "done";
      } else {
        await consumeTurn(thread, `turn ${i}`, (event) => {
          completed ||= event.type === "turn.completed";
        });
      }
      if (!completed) throw new Error(`turn ${i} did not complete`);
      turnMs.push(performance.now() - started);
    }
  } finally {
    if (!spec.root) rmSync(root, { recursive: true, force: true });
  }
  return { turnMs };
}
