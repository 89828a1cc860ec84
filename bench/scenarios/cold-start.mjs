// Scenario 7: what a short-lived script pays — the import alone in a fresh process, and one real
// turn as a whole process (import, `new Codex`, `startThread().run()`, exit).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { COLD_START_CONSUMERS } from "../consumers/index.mjs";
import { row, rssRow } from "../rows.mjs";
import { startStandIn } from "../stand-in.mjs";
import { medians } from "./throughput.mjs";

const IMPORT_SLACK_MS = 25;

// Import time and a one-turn process, alternating raw, official, the xstate floor (the official
// SDK running each turn in one xstate actor) and codex-actors.
export async function coldStart(ctx) {
  const runs = ctx.options.coldRuns;
  ctx.log(" import only");
  const imports = await ctx.alternate(
    () => ({ workload: "import-only" }),
    {},
    COLD_START_CONSUMERS,
    runs,
  );
  const importMs = medians(imports, (r) => r.importMs);
  ctx.log(" one real turn per process");
  const { standIn, config } = await startStandIn({ withCommand: false });
  // Each process gets a fresh home, removed here afterwards: a script does not clean up codex's
  // home, and removing it would add the same ~60 ms to every consumer's figures.
  const homes = mkdtempSync(path.join(tmpdir(), "codex-actors-cold-"));
  let turns;
  try {
    turns = await ctx.alternate(
      () => ({
        workload: "real-turns",
        turns: 1,
        run: true,
        config,
        root: mkdtempSync(path.join(homes, "run-")),
      }),
      {},
      COLD_START_CONSUMERS,
      runs,
    );
  } finally {
    await standIn.close();
    rmSync(homes, { recursive: true, force: true });
  }
  const wall = medians(turns, (r) => r.processMs);
  const cpu = medians(turns, (r) => r.cpuMs);
  return {
    title: `7. Cold start (fresh process each run; ${runs} measured runs; one real turn, real codex binary, local model stand-in)`,
    rows: [
      row("import ms", importMs, {
        text: `≤ official + ${IMPORT_SLACK_MS} ms`,
        met: importMs.actors <= importMs.official + IMPORT_SLACK_MS,
      }),
      row(
        "import-only process wall ms",
        medians(imports, (r) => r.processMs),
      ),
      row(
        "import-only process CPU ms",
        medians(imports, (r) => r.cpuMs),
      ),
      row("one-turn process wall ms", wall, {
        text: "≤ 1.05× official",
        met: wall.actors <= 1.05 * wall.official,
      }),
      row("one-turn process CPU ms", cpu, {
        text: "≤ 1.10× official",
        met: cpu.actors <= 1.1 * cpu.official,
      }),
      rssRow(
        "one-turn peak RSS MB",
        medians(turns, (r) => r.maxRssMb),
      ),
      ...againstTheFloor(importMs, cpu),
    ],
    notes: [
      `The xstate floor: the official SDK with each turn run inside one xstate actor (load xstate, build a machine, start an actor) — the least any SDK that runs its turns as xstate actors pays. Its one-turn process CPU is ${(cpu[FLOOR] / cpu.official).toFixed(2)}× the official SDK's and its import ${(importMs[FLOOR] - importMs.official).toFixed(1)} ms longer; codex-actors is ${(cpu.actors / cpu[FLOOR]).toFixed(2)}× the floor's CPU.`,
    ],
  };
}

const FLOOR = "official-xstate";

// Rows that put the xstate floor in the official column, so the ratio reads codex-actors ÷ floor.
function againstTheFloor(importMs, cpu) {
  const floorOf = (values) => ({ official: values[FLOOR], actors: values.actors });
  return [
    row("import ms, xstate floor in the official column", floorOf(importMs)),
    row("one-turn process CPU ms, xstate floor in the official column", floorOf(cpu)),
  ];
}
