// Keeps, of the declarations tsc emitted into a folder, only those the entry's declaration reaches
// through its imports (`from "…"`, `import("…")`): tsc emits one for every module the program
// compiles, internals included (e.g. the app-server protocol, 800 files no public type names).
import { readdirSync, readFileSync, rmSync, rmdirSync } from "node:fs";
import path from "node:path";

const SPECIFIER = /(?:from\s+|import\()\s*["'](\.{1,2}\/[^"']+)["']/g;

/** Deletes the `.d.ts` files under `dir` that the `entries` (`.d.ts` files in it) do not reach. */
export function pruneDeclarations(dir, entries) {
  const reached = new Set();
  const queue = [entries].flat().map((entry) => path.resolve(dir, entry));
  while (queue.length > 0) {
    const file = queue.pop();
    if (reached.has(file)) continue;
    reached.add(file);
    for (const [, specifier] of readFileSync(file, "utf8").matchAll(SPECIFIER)) {
      const target = path.resolve(path.dirname(file), specifier.replace(/\.js$/, ".d.ts"));
      queue.push(target.endsWith(".d.ts") ? target : `${target}.d.ts`);
    }
  }
  removeUnreached(path.resolve(dir), reached);
}

function removeUnreached(folder, reached) {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      removeUnreached(full, reached);
      if (readdirSync(full).length === 0) rmdirSync(full);
    } else if (entry.name.endsWith(".d.ts") && !reached.has(full)) rmSync(full);
  }
}
