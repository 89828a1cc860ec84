// Prepared event streams for the fake CLI: realistic command items, written once per run.
import { writeFileSync } from "node:fs";
import path from "node:path";

const COMMANDS = ["ls -la src", "npm test -- --silent", "git status --short", "cat package.json"];

// A command item as codex reports it, started (no output yet) or completed (~120 bytes of output).
export function commandEvent(index, completed) {
  const command = `/bin/bash -lc '${COMMANDS[index % COMMANDS.length]}'`;
  const item = completed
    ? {
        id: `item_${index}`,
        type: "command_execution",
        command,
        aggregated_output: `total 48\ndrwxr-xr-x  6 dev dev 4096 Jun  2 10:${String(index % 60).padStart(2, "0")} .\n-rw-r--r--  1 dev dev 1187 Jun  2 10:00 index.ts\n`,
        exit_code: 0,
        status: "completed",
      }
    : {
        id: `item_${index}`,
        type: "command_execution",
        command,
        aggregated_output: "",
        exit_code: null,
        status: "in_progress",
      };
  return JSON.stringify({ type: completed ? "item.completed" : "item.started", item }) + "\n";
}

// Writes `count` command events (started/completed pairs) to `file`; returns its size in bytes.
export function writeCommandEvents(file, count) {
  const lines = [];
  for (let i = 0; i < count; i++) lines.push(commandEvent(i >> 1, i % 2 === 1));
  const text = lines.join("");
  writeFileSync(file, text);
  return Buffer.byteLength(text);
}

// Writes one `item.completed` whose `aggregated_output` is `bytes` long (lines of build output).
export function writeBigItem(file, bytes) {
  const line = "[build] compiling src/module.ts … ok (12 ms)\n";
  const output = line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes);
  const item = {
    id: "item_big",
    type: "command_execution",
    command: "/bin/bash -lc 'npm run build'",
  };
  const event = {
    type: "item.completed",
    item: { ...item, aggregated_output: output, exit_code: 0, status: "completed" },
  };
  writeFileSync(file, JSON.stringify(event) + "\n");
}

// Prepares every file the stream scenarios need in `dir`, sized by `options`.
export function prepareFixtures(dir, options) {
  const throughput = path.join(dir, "throughput.jsonl");
  const block = path.join(dir, "block-1mb.jsonl");
  const big = path.join(dir, "big-item.jsonl");
  writeCommandEvents(throughput, options.events);
  const blockEvents = Math.round((1024 * 1024) / 236 / 2) * 2;
  const blockBytes = writeCommandEvents(block, blockEvents);
  writeBigItem(big, options.bigItemMb * 1024 * 1024);
  return { throughput, block, blockBytes, blockEvents, big };
}
