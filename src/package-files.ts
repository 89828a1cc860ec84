import type { Ajv } from "ajv";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

// The library's way to what comes with it: its folder, its on-demand ajv, and packages resolved
// from where it is installed. This module serves the sources (the tests, the demo); the published
// bundles import `dist/package-files.cjs` instead (src/package-files.bundle.cjs, swapped in by
// scripts/build.mjs), which finds the same things without `import.meta`.

const requireHere = createRequire(import.meta.url);

/** The folder of the library's modules: `src/` here, `dist/` in the package. */
export const folder: string | undefined = fileURLToPath(new URL(".", import.meta.url));

/** ajv, which only turns with an `outputSchema` need: the installed package here. */
export function loadAjv(): { Ajv: typeof Ajv } {
  return requireHere("ajv") as { Ajv: typeof Ajv };
}

/** Where `id` resolves from the library's folder, or undefined if it does not. */
export function resolve(id: string): string | undefined {
  try {
    return requireHere.resolve(id);
  } catch {
    return undefined;
  }
}
