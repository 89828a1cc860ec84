#!/usr/bin/env node
// `npm run soak`: a soak of the built bundle on the real `codex` binary
// against the model stand-in. One `Codex` per transport runs `--turns` short turns (default
// 2 000) over `--threads` threads (default 20) — plain turns, interrupts, and on the app-server
// approvals and steers — while a devtools client stops reading its stream. After every round of
// turns it collects garbage and samples the heap (compiled code left out) and the actor count; it
// fails (exit 1) if the heap grows by more than `--max-slope` bytes a turn (default 1 024), the
// actor count grows, a turn rejects with anything but a CodexError, an error reaches the process
// uncaught, or a codex process is left. `--transport exec|app-server` runs one.
// The turns measured come after `--warmup` rounds (default 100: a turn per thread each), which
// fill what is bounded but kept on purpose — the devtools' per-thread histories of 500 events and
// 200 lifecycle entries — so the slope is what a turn leaves behind, not a buffer filling up.
// Without the warm-up the slope measures the filling: 4 000 app-server turns over 20 threads with
// no warm-up gave 2 678, 1 689, -12 and 62 B/turn over their four quarters.
import { spawnSync } from "node:child_process";
import http from "node:http";
import v8 from "node:v8";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

if (typeof globalThis.gc !== "function") {
  const self = fileURLToPath(import.meta.url);
  const run = spawnSync(process.execPath, ["--expose-gc", self, ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  process.exit(run.status ?? 1);
}

const { values } = parseArgs({
  options: {
    turns: { type: "string", default: "2000" },
    threads: { type: "string", default: "20" },
    warmup: { type: "string", default: "100" },
    transport: { type: "string" },
    "max-slope": { type: "string", default: "1024" },
  },
});
const turns = Number(values.turns);
const threadCount = Number(values.threads);
const warmupRounds = Number(values.warmup);
const maxSlope = Number(values["max-slope"]);
const transports = values.transport ? [values.transport] : ["exec", "app-server"];

const { Codex, CodexError } = await import("../dist/index.js");
const { startModelStandIn, reply, codexProcessesLeft } = await import("../dist/testing/index.js");

const uncaught = [];
const onUncaught = (error) => {
  uncaught.push(error);
  console.error("uncaught:", error);
};
process.on("uncaughtException", onUncaught);
process.on("unhandledRejection", onUncaught);

/** What the stand-in answers: a turn's kind is the first word of its prompt. */
const lastUserText = (request) => request.userTexts.at(-1) ?? "";
const afterCommand = (request) => request.input.at(-1)?.type === "function_call_output";
const script = [
  { match: afterCommand, reply: reply.message("done"), times: Infinity },
  {
    match: (r) => lastUserText(r).startsWith("approve"),
    reply: reply.command("true"),
    times: Infinity,
  },
  {
    match: (r) => lastUserText(r).startsWith("steer"),
    reply: reply.command("sleep 0.3"),
    times: Infinity,
  },
  {
    match: (r) => lastUserText(r).startsWith("interrupt"),
    reply: reply.delay(1_000, reply.message("late")),
    times: Infinity,
  },
];

/** A devtools client that reads the first bytes of the stream, then never again. */
function stalledDevtoolsClient(url) {
  const stream = new URL(url);
  stream.pathname = "/api/stream";
  const request = http.get(stream, (response) => response.once("data", () => response.pause()));
  request.on("error", () => undefined);
  return request;
}

/** Live actors under `actor`, itself included. */
function actorCount(actor) {
  const children = Object.values(actor.getSnapshot().children ?? {});
  return 1 + children.reduce((sum, child) => sum + actorCount(child), 0);
}

/** One turn of `kind` on `thread`: how it ended. */
async function oneTurn(thread, kind, n) {
  const { events, steer, interrupt } = await thread.runStreamed(`${kind} ${n}`);
  try {
    for await (const event of events) {
      if (kind === "interrupt" && event.type === "turn.started") void interrupt();
      if (kind === "steer" && event.type === "item.started") await steer("also this");
    }
    return "completed";
  } catch (error) {
    if (!(error instanceof CodexError)) throw error;
    return error.kind;
  }
}

/**
 * The heap in use after GC, V8's compiled code left out: code grows as more of the library gets
 * optimised over a run, and is not something a turn retains.
 */
function dataHeapUsed() {
  return v8
    .getHeapSpaceStatistics()
    .filter((space) => !space.space_name.startsWith("code"))
    .reduce((sum, space) => sum + space.space_used_size, 0);
}

/** The least-squares slope of `y` over `x`. */
function slope(points) {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

async function soak(transport) {
  // The stand-in keeps no request: each holds codex's whole prompt, which is not ours to count.
  const standIn = await startModelStandIn(script, {
    fallback: reply.message("done"),
    keepRequests: 0,
  });
  const kinds =
    transport === "app-server"
      ? ["plain", "plain", "approve", "steer", "interrupt"]
      : ["plain", "plain", "plain", "plain", "interrupt"];
  const codex = new Codex({
    ...standIn.codexOptions,
    transport,
    ...(transport === "app-server" ? { onApproval: () => "accept" } : {}),
    supervision: { restart: "transient" },
  });
  const devtools = await codex.devtools();
  const client = stalledDevtoolsClient(devtools.url);
  const threads = Array.from({ length: threadCount }, () =>
    codex.startThread({
      ...standIn.threadOptions,
      ...(transport === "app-server" ? { approvalPolicy: "untrusted" } : {}),
    }),
  );
  const outcomes = new Map();
  const samples = [];
  const rounds = warmupRounds + Math.ceil(turns / threadCount);
  const started = Date.now();
  let done = 0;
  for (let round = 0; round < rounds; round++) {
    const results = await Promise.all(
      threads.map((thread, t) => oneTurn(thread, kinds[(round + t) % kinds.length], done + t)),
    );
    done += threads.length;
    if (process.env.SOAK_DEBUG) console.error(`round ${round}`, results);
    for (const result of results) outcomes.set(result, (outcomes.get(result) ?? 0) + 1);
    if (round < warmupRounds) continue;
    globalThis.gc();
    samples.push({ x: done, y: dataHeapUsed(), actors: actorCount(codex.actor) });
  }
  client.destroy();
  await codex.shutdown();
  const left = codexProcessesLeft();
  await standIn.close();
  const bytesPerTurn = slope(samples);
  const actors = samples.map((sample) => sample.actors);
  const report = {
    transport,
    turns: done,
    measuredTurns: done - warmupRounds * threadCount,
    seconds: Math.round((Date.now() - started) / 1000),
    outcomes: Object.fromEntries(outcomes),
    heapMB: {
      first: +(samples[0].y / 2 ** 20).toFixed(1),
      last: +(samples.at(-1).y / 2 ** 20).toFixed(1),
    },
    heapSlopeBytesPerTurn: Math.round(bytesPerTurn),
    heapSlopeByQuarter: [0, 1, 2, 3].map((q) =>
      Math.round(
        slope(
          samples.slice(
            Math.floor((q * samples.length) / 4),
            Math.floor(((q + 1) * samples.length) / 4),
          ),
        ),
      ),
    ),
    actors: { first: actors[0], max: Math.max(...actors), last: actors.at(-1) },
    processesLeft: left.length,
  };
  console.log(JSON.stringify(report));
  const problems = [];
  if (bytesPerTurn > maxSlope) problems.push(`heap grows ${Math.round(bytesPerTurn)} B/turn`);
  if (actors.at(-1) > actors[0]) problems.push(`actors grew ${actors[0]} → ${actors.at(-1)}`);
  if (left.length > 0) problems.push(`${left.length} codex process(es) left`);
  return problems;
}

const problems = [];
try {
  for (const transport of transports) problems.push(...(await soak(transport)));
} catch (error) {
  problems.push(`the soak threw: ${error?.stack ?? error}`);
}
if (uncaught.length > 0) problems.push(`${uncaught.length} uncaught: ${uncaught[0]}`);
if (problems.length > 0) {
  console.error(`soak failed: ${problems.join("; ")}`);
  process.exit(1);
}
console.log("soak passed");
