// The floor, "raw": spawn the CLI, split stdout on `\n`, `JSON.parse` each line, hand the event
// to a callback — a plain loop, no generator, no promise per event.
import { spawn } from "node:child_process";
import { StringDecoder } from "node:string_decoder";
import { codexArgv } from "./raw-argv.mjs";

// A minimal stand-in for `Codex`: its threads `consume(prompt, onEvent)` a turn.
export class RawLoopCodex {
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
      consume(prompt, onEvent) {
        const argv = codexArgv(options, threadOptions, id);
        return readTurn(options, argv, prompt, (event) => {
          if (event.type === "thread.started") id = event.thread_id;
          return onEvent(event);
        });
      },
    };
  }
}

// Runs one CLI process; `onEvent` may return a pause in ms, taken after the chunk it came in.
// Resolves when the process has exited and every line was handled.
function readTurn(options, argv, prompt, onEvent) {
  const env = { ...options.env, ...(options.apiKey ? { CODEX_API_KEY: options.apiKey } : {}) };
  const child = spawn(options.executablePath, argv, { env, stdio: ["pipe", "pipe", "ignore"] });
  child.stdin.end(prompt);
  const decoder = new StringDecoder("utf8");
  let pieces = [];
  child.stdout.on("data", (chunk) => {
    const text = decoder.write(chunk);
    let start = 0;
    let pauseMs = 0;
    for (let newline = text.indexOf("\n"); newline !== -1; newline = text.indexOf("\n", start)) {
      pieces.push(text.slice(start, newline));
      const line = pieces.length === 1 ? pieces[0] : pieces.join("");
      pieces = [];
      start = newline + 1;
      if (line.length > 0) pauseMs += onEvent(JSON.parse(line)) ?? 0;
    }
    if (start < text.length) pieces.push(text.slice(start));
    if (pauseMs > 0) {
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), pauseMs);
    }
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`codex exited with code ${code}`)),
    );
  });
}
