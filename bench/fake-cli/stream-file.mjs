#!/usr/bin/env node
// A fake `codex` that ignores its arguments, reads the prompt, then streams a prepared file of
// JSONL events: `thread.started`, `turn.started`, the file BENCH_BODY repeated BENCH_REPEAT times,
// `turn.completed`. It waits for `drain` whenever stdout is full, so a slow reader holds it back.
import { readFileSync } from "node:fs";
import { once } from "node:events";

for await (const _chunk of process.stdin);
const body = readFileSync(process.env.BENCH_BODY);
const repeat = Number(process.env.BENCH_REPEAT ?? "1");

await write('{"type":"thread.started","thread_id":"0199a000-0000-7000-8000-000000000001"}\n');
await write('{"type":"turn.started"}\n');
for (let i = 0; i < repeat; i++) await write(body);
await write(
  '{"type":"turn.completed","usage":{"input_tokens":20,"cached_input_tokens":4,' +
    '"cache_write_input_tokens":0,"output_tokens":10,"reasoning_output_tokens":2}}\n',
);

// Writes to stdout, waiting while the pipe is full.
async function write(data) {
  if (!process.stdout.write(data)) await once(process.stdout, "drain");
}
