#!/usr/bin/env node
// A scripted fake `codex app-server` (JSON-RPC over stdio, one JSON object per line), for what the
// real binary cannot be made to do on demand: crash mid-turn or at start, hang (even in the
// handshake), print garbage, answer -32001 (overloaded), ask approvals on cue, ignore interrupts,
// flood notifications, ignore SIGTERM. It takes any argv (`[--config …] app-server`), so it can
// stand in for the binary (`codexPathOverride`).
//
// The scenario comes from FAKE_APP_SERVER_SCENARIO (JSON): a list of steps run in order, or
// { "runs": [steps, steps, …] } to behave differently on each start (counted in the file
// FAKE_APP_SERVER_STATE; the last list repeats). FAKE_APP_SERVER_RECORD, when set, gets one JSON
// line per start ({ pid }). See README.md beside this file. `initialize` is answered unless a
// step says otherwise; `initialized` is ignored.
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import readline from "node:readline";

const waiting = []; // requests received and not yet taken by an `expect` step
const answers = []; // answers to our requests, not yet taken by an `expectAnswer` step
let wake = () => {};
let current; // the request the last `expect` step took
let answerInitialize = true;
let nextRequestId = 0;

if (process.env.FAKE_APP_SERVER_RECORD) {
  appendFileSync(process.env.FAKE_APP_SERVER_RECORD, `${JSON.stringify({ pid: process.pid })}\n`);
}
readline.createInterface({ input: process.stdin }).on("line", (line) => {
  const message = JSON.parse(line);
  if (message.method === "initialize") {
    if (answerInitialize)
      send({ id: message.id, result: { userAgent: "fake-app-server/0", platformOs: "linux" } });
  } else if (message.method !== undefined && message.id !== undefined) {
    waiting.push(message);
  } else if (message.method === undefined) {
    answers.push(message);
  }
  wake();
});

for (const step of stepsOfThisRun()) await run(step);
// The scenario is over: stay up, like the real server, until stdin closes.
process.stdin.on("end", () => exitAfterFlush(0));

function stepsOfThisRun() {
  const scenario = JSON.parse(process.env.FAKE_APP_SERVER_SCENARIO ?? "[]");
  if (Array.isArray(scenario)) return scenario;
  const stateFile = process.env.FAKE_APP_SERVER_STATE;
  let run = 0;
  try {
    run = Number(readFileSync(stateFile, "utf8")) || 0;
  } catch {
    run = 0;
  }
  writeFileSync(stateFile, String(run + 1));
  return scenario.runs[Math.min(run, scenario.runs.length - 1)];
}

async function run(step) {
  if ("expect" in step) current = await next(() => takeRequest(step.expect));
  else if ("respond" in step) await send({ id: current.id, result: step.respond });
  else if ("respondError" in step) await send({ id: current.id, error: step.respondError });
  else if ("notify" in step) await send(step.notify);
  else if ("request" in step) await send({ id: `fake-${nextRequestId++}`, ...step.request });
  else if ("expectAnswer" in step) await next(() => answers.shift());
  else if ("line" in step) await write(step.line);
  else if ("delayMs" in step) await new Promise((resolve) => setTimeout(resolve, step.delayMs));
  else if ("flood" in step) await flood(step.flood);
  else if ("ignoreInitialize" in step) answerInitialize = false;
  else if ("ignoreSigterm" in step) process.on("SIGTERM", () => {});
  else if ("closeStdout" in step) await new Promise((resolve) => process.stdout.end(resolve));
  else if ("hang" in step) await new Promise(() => setInterval(() => {}, 1 << 30));
  else if ("exit" in step) await exitAfterFlush(step.exit);
  else if ("signal" in step) process.kill(process.pid, step.signal);
  else throw new Error(`fake-app-server: unknown step ${JSON.stringify(step)}`);
}

// The next request with `method` (or one of several); requests of other methods stay unanswered.
function takeRequest(method) {
  const methods = [method].flat();
  const index = waiting.findIndex((request) => methods.includes(request.method));
  return index >= 0 ? waiting.splice(index, 1)[0] : undefined;
}

// Waits until `take` returns something.
async function next(take) {
  for (;;) {
    const taken = take();
    if (taken !== undefined) return taken;
    await new Promise((resolve) => (wake = resolve));
  }
}

// `count` agent-message deltas (with `params` added to each), delta `n` reading `n:xxx…`; how
// many are written so far goes to FAKE_APP_SERVER_PROGRESS when it is set.
async function flood({ count, bytes = 100, params = {} }) {
  const progress = process.env.FAKE_APP_SERVER_PROGRESS;
  for (let n = 0; n < count; n++) {
    await send({
      method: "item/agentMessage/delta",
      params: { itemId: "flood", delta: `${n}:`.padEnd(bytes, "x"), n, ...params },
    });
    if (progress && n % 100 === 99) writeFileSync(progress, String(n + 1));
  }
  if (progress) writeFileSync(progress, String(count));
}

// Exits once everything written so far has reached the pipe (process.exit alone drops it).
function exitAfterFlush(code) {
  process.stdout.write("", () => process.exit(code));
  return new Promise(() => {});
}

function send(message) {
  return write(`${JSON.stringify(message)}\n`);
}

function write(text) {
  return process.stdout.write(text)
    ? Promise.resolve()
    : new Promise((resolve) => process.stdout.once("drain", resolve));
}
