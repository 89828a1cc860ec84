import { createRequire } from "node:module";
import path from "node:path";
import { folder, resolve } from "./package-files.js";

/**
 * Resolves `id` (e.g. `@openai/codex/package.json`) from the library's folder. Where a bundler
 * has inlined the library (leaving it no folder of its own), from the entry script's folder, then
 * the working folder: where the official SDK, bundled, resolves from. Throws the first failure
 * when none finds it.
 */
export function resolveFromLibrary(id: string): string {
  const found = resolve(id);
  if (found !== undefined) return found;
  const bases = [process.argv[1], path.join(process.cwd(), "index.js")];
  let failure: unknown = new Error(`Cannot find module '${id}'`);
  for (const base of bases) {
    if (!base || !path.isAbsolute(base)) continue;
    try {
      return createRequire(base).resolve(id);
    } catch (error) {
      failure = error;
    }
  }
  throw failure;
}

/**
 * A file that comes with the library, by its path in `dist/` (in `src/` run from the sources):
 * beside the library; where a bundler has inlined it, in the installed package's `dist/`.
 */
export function libraryFile(...segments: string[]): string {
  if (folder !== undefined) return path.join(folder, ...segments);
  let installed = path.join(process.cwd(), "node_modules", "codex-actors");
  try {
    installed = path.dirname(resolveFromLibrary("codex-actors/package.json"));
  } catch {
    // Not installed where it can be found: the path says where it was looked for.
  }
  return path.join(installed, "dist", ...segments);
}
