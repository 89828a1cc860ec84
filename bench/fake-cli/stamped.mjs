#!/usr/bin/env node
// A fake `codex` that emits BENCH_COUNT `item.completed` events at BENCH_RATE events/s, each
// stamped with `sent_ns`: `process.hrtime.bigint()` (CLOCK_MONOTONIC, shared by every process
// on the machine) taken just before the write, so a reader can measure delivery latency.
import { once } from "node:events";

for await (const _chunk of process.stdin);
const count = Number(process.env.BENCH_COUNT ?? "2000");
const rate = Number(process.env.BENCH_RATE ?? "2000");
const output = "drwxr-xr-x  4 user user 4096 Jan  1 00:00 src\n".repeat(2);

await write('{"type":"thread.started","thread_id":"0199a000-0000-7000-8000-000000000002"}\n');
await write('{"type":"turn.started"}\n');
const start = process.hrtime.bigint();
let sent = 0;
while (sent < count) {
  const due = Math.min(count, Math.floor((Number(process.hrtime.bigint() - start) / 1e9) * rate));
  for (; sent < due; sent++) await write(stampedEvent(sent));
  await new Promise((resolve) => setTimeout(resolve, 1));
}
await write('{"type":"turn.completed","usage":{"input_tokens":1,"output_tokens":1}}\n');

// One command item, stamped at the moment it is written.
function stampedEvent(index) {
  const item = {
    id: `item_${index}`,
    type: "command_execution",
    command: "/bin/bash -lc 'ls -la'",
    aggregated_output: output,
    exit_code: 0,
    status: "completed",
  };
  return `{"type":"item.completed","sent_ns":"${process.hrtime.bigint()}","item":${JSON.stringify(item)}}\n`;
}

// Writes to stdout, waiting while the pipe is full.
async function write(data) {
  if (!process.stdout.write(data)) await once(process.stdout, "drain");
}
