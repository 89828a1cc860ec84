// Memory of idle threads (scenario 6): heap growth per `startThread()` kept alive, after a full GC.
// Needs `node --expose-gc`.
import { createCodex } from "../consumers/index.mjs";

// Starts `spec.threads` threads, keeps them, and returns the retained heap per thread.
export async function run(spec) {
  const codex = createCodex(spec.codexOptions);
  codex.startThread();
  const before = settledHeap();
  const threads = [];
  for (let i = 0; i < spec.threads; i++)
    threads.push(codex.startThread({ skipGitRepoCheck: true }));
  const after = settledHeap();
  return { bytesPerThread: (after - before) / threads.length, threads: threads.length };
}

// Heap in use after a full collection.
function settledHeap() {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}
