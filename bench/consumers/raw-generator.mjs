// A second reference, "raw (async generator)": the plain reader's work, but each event handed
// to the consumer through an async generator, as an SDK's `runStreamed` does. Its per-event
// promise and microtask hops are what the plain loop (`raw-loop.mjs`) does not pay.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { StringDecoder } from "node:string_decoder";
import { codexArgv } from "./raw-argv.mjs";

// A minimal stand-in for `Codex` with the same surface the workloads use.
export class RawGeneratorCodex {
  constructor(options = {}) {
    this.options = options;
  }

  // A thread whose turns spawn the CLI directly.
  startThread(threadOptions = {}) {
    const options = this.options;
    let id = null;
    return {
      get id() {
        return id;
      },
      async runStreamed(prompt) {
        const argv = codexArgv(options, threadOptions, id);
        const events = rawEvents(options, argv, prompt, (threadId) => (id = threadId));
        return { events };
      },
    };
  }
}

// Yields the parsed events of one CLI run, then waits for it to exit.
async function* rawEvents(options, argv, prompt, onThreadId) {
  const env = { ...options.env, ...(options.apiKey ? { CODEX_API_KEY: options.apiKey } : {}) };
  const child = spawn(options.executablePath, argv, { env, stdio: ["pipe", "pipe", "ignore"] });
  const exited = once(child, "close");
  child.stdin.end(prompt);
  const decoder = new StringDecoder("utf8");
  let pieces = [];
  for await (const chunk of child.stdout) {
    const text = decoder.write(chunk);
    let start = 0;
    for (let newline = text.indexOf("\n"); newline !== -1; newline = text.indexOf("\n", start)) {
      pieces.push(text.slice(start, newline));
      const line = pieces.length === 1 ? pieces[0] : pieces.join("");
      pieces = [];
      start = newline + 1;
      if (line.length === 0) continue;
      const event = JSON.parse(line);
      if (event.type === "thread.started") onThreadId(event.thread_id);
      yield event;
    }
    if (start < text.length) pieces.push(text.slice(start));
  }
  const [code] = await exited;
  if (code !== 0) throw new Error(`codex exited with code ${code}`);
}
