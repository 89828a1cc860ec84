#!/usr/bin/env node
// A scripted fake `codex app-server` (JSON-RPC over stdio, one JSON object per line), for what the
// real binary cannot be made to do on demand: crash mid-turn, hang, print garbage, answer
// -32001 (overloaded), flood notifications, ignore SIGTERM.
//
// The scenario comes from FAKE_APP_SERVER_SCENARIO (JSON): a list of steps run in order (see
// README.md beside this file). `initialize` is always answered; `initialized` is ignored.
import readline from "node:readline";

const steps = JSON.parse(process.env.FAKE_APP_SERVER_SCENARIO ?? "[]");
const waiting = []; // requests received and not yet taken by an `expect` step
let wake = () => {};
let current; // the request the last `expect` step took

readline.createInterface({ input: process.stdin }).on("line", (line) => {
  const message = JSON.parse(line);
  if (message.method === "initialize") {
    send({ id: message.id, result: { userAgent: "fake-app-server/0", platformOs: "linux" } });
  } else if (message.method !== undefined && message.id !== undefined) {
    waiting.push(message);
    wake();
  }
});

for (const step of steps) await run(step);
// The scenario is over: stay up, like the real server, until stdin closes.
process.stdin.on("end", () => exitAfterFlush(0));

async function run(step) {
  if ("expect" in step) current = await nextRequest(step.expect);
  else if ("respond" in step) await send({ id: current.id, result: step.respond });
  else if ("respondError" in step) await send({ id: current.id, error: step.respondError });
  else if ("notify" in step) await send(step.notify);
  else if ("line" in step) await write(step.line);
  else if ("delayMs" in step) await new Promise((resolve) => setTimeout(resolve, step.delayMs));
  else if ("flood" in step) await flood(step.flood);
  else if ("ignoreSigterm" in step) process.on("SIGTERM", () => {});
  else if ("hang" in step) await new Promise(() => setInterval(() => {}, 1 << 30));
  else if ("exit" in step) await exitAfterFlush(step.exit);
  else if ("signal" in step) process.kill(process.pid, step.signal);
  else throw new Error(`fake-app-server: unknown step ${JSON.stringify(step)}`);
}

// Waits for the next request with `method` (requests of other methods stay unanswered).
async function nextRequest(method) {
  for (;;) {
    const index = waiting.findIndex((request) => request.method === method);
    if (index >= 0) return waiting.splice(index, 1)[0];
    await new Promise((resolve) => (wake = resolve));
  }
}

async function flood({ count, bytes = 100 }) {
  const text = "x".repeat(bytes);
  for (let n = 0; n < count; n++) {
    await send({ method: "item/agentMessage/delta", params: { itemId: "flood", delta: text, n } });
  }
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
