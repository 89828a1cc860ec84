#!/usr/bin/env node
// `npx codex-actors devtools`: the offline demo (src/demo) with its devtools page, from a clone
// of the repository (the demo and the model stand-in are repository tools, never published).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const DEMO = fileURLToPath(new URL("../build/demo/main.js", import.meta.url));
const [command, ...rest] = process.argv.slice(2);

if (command !== "devtools" || rest.length > 0) {
  console.error("usage: npx codex-actors devtools   (the offline demo, with its devtools page)");
  process.exit(2);
}
if (!existsSync(DEMO)) {
  console.error(
    "The demo is built in a clone of the codex-actors repository: run `npm ci && npm run build` " +
      "there, then `npx codex-actors devtools` (or `npm run demo`).",
  );
  process.exit(1);
}
await import(DEMO);
