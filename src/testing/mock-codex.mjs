#!/usr/bin/env node
// A scenario-driven fake `codex` CLI, for what the real binary cannot be made to do on demand:
// crash at a chosen point, hang, print garbage, flood output, exit with a signal, write stderr.
//
// The scenario comes from MOCK_CODEX_SCENARIO (JSON): a list of steps, or
// { "attempts": [steps, steps, ...] } to behave differently on each run (counted in the file
// MOCK_CODEX_STATE). MOCK_CODEX_RECORD, when set, gets one JSON line per run: argv, stdin, pid,
// and the TRACEPARENT/TRACESTATE it was given (or null).
// Steps (typed as MockCodexStep in mock-codex.ts beside this file): {"turn": text}, {"emit": event}, {"line": raw},
// {"delayMs": n}, {"stderr": text}, {"flood": {"count": n, "bytes": n}},
// {"spawn": [cmd, ...args], "own": "group" | "session", "holdStdout": true},
// {"hang": true}, {"exit": code}, {"signal": "SIGKILL"}.
import { spawn } from "node:child_process";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { randomUUID } from "node:crypto";

const argv = process.argv.slice(2);
const resumeAt = argv.indexOf("resume");
const threadId = resumeAt >= 0 ? argv[resumeAt + 1] : randomUUID();

const stdin = await readStdin();
if (process.env.MOCK_CODEX_RECORD) {
  appendFileSync(
    process.env.MOCK_CODEX_RECORD,
    JSON.stringify({
      argv,
      stdin,
      pid: process.pid,
      traceparent: process.env.TRACEPARENT ?? null,
      tracestate: process.env.TRACESTATE ?? null,
    }) + "\n",
  );
}
for (const step of stepsOfThisRun()) await run(step);
exitAfterFlush(0);

function stepsOfThisRun() {
  const scenario = JSON.parse(process.env.MOCK_CODEX_SCENARIO ?? '[{"turn":"ok"}]');
  if (Array.isArray(scenario)) return scenario;
  const stateFile = process.env.MOCK_CODEX_STATE;
  let attempt = 0;
  if (stateFile) {
    try {
      attempt = Number(readFileSync(stateFile, "utf8")) || 0;
    } catch {
      attempt = 0;
    }
    writeFileSync(stateFile, String(attempt + 1));
  }
  const attempts = scenario.attempts;
  return attempts[Math.min(attempt, attempts.length - 1)];
}

async function run(step) {
  if ("turn" in step) {
    await emit({ type: "thread.started", thread_id: threadId });
    await emit({ type: "turn.started" });
    await emit({
      type: "item.completed",
      item: { id: "item_0", type: "agent_message", text: step.turn },
    });
    await emit({
      type: "turn.completed",
      usage: { input_tokens: 10, cached_input_tokens: 0, output_tokens: 2 },
    });
  } else if ("threadStarted" in step) await emit({ type: "thread.started", thread_id: threadId });
  else if ("emit" in step) await emit(step.emit);
  else if ("line" in step) await write(step.line);
  else if ("delayMs" in step) await sleep(step.delayMs);
  else if ("stderr" in step) process.stderr.write(step.stderr);
  else if ("flood" in step) await flood(step.flood);
  else if ("spawn" in step) spawnChild(step);
  else if ("hang" in step) await new Promise(() => setInterval(() => {}, 1 << 30));
  else if ("exit" in step) await exitAfterFlush(step.exit);
  else if ("signal" in step) process.kill(process.pid, step.signal);
  else throw new Error(`mock-codex: unknown step ${JSON.stringify(step)}`);
}

async function flood({ count, bytes = 100 }) {
  const output = "x".repeat(bytes);
  const progress = process.env.MOCK_CODEX_PROGRESS;
  for (let i = 0; i < count; i++) {
    await emit({
      type: "item.completed",
      item: {
        id: `item_${i}`,
        type: "command_execution",
        command: "flood",
        aggregated_output: output,
        exit_code: 0,
        status: "completed",
      },
    });
    if (progress && i % 100 === 0) writeFileSync(progress, String(i));
  }
  if (progress) writeFileSync(progress, String(count));
}

// A child in codex's process group, or (`own`) in a process group or a session of its own;
// with `holdStdout` it inherits codex's stdout, so the pipe stays open while it lives.
function spawnChild({ spawn: [command, ...args], own, holdStdout }) {
  const stdio = ["ignore", holdStdout ? "inherit" : "ignore", "ignore"];
  const child =
    own === "group"
      ? spawn("perl", ["-e", "setpgrp(0, 0); exec @ARGV or die $!", command, ...args], { stdio })
      : spawn(command, args, { stdio, detached: own === "session" });
  if (process.env.MOCK_CODEX_RECORD) {
    appendFileSync(process.env.MOCK_CODEX_RECORD, JSON.stringify({ spawned: child.pid }) + "\n");
  }
}

// Exits once everything written so far has reached the pipe (process.exit alone drops it).
function exitAfterFlush(code) {
  process.stdout.write("", () => process.exit(code));
  return new Promise(() => {});
}

function emit(event) {
  return write(JSON.stringify(event) + "\n");
}

function write(text) {
  return process.stdout.write(text)
    ? Promise.resolve()
    : new Promise((resolve) => process.stdout.once("drain", resolve));
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}
