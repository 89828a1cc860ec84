import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's root. */
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The files `npm pack` would publish (the tree is built already: no scripts), as package paths. */
export function packedFiles(): string[] {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  return (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((file) => file.path);
}

/**
 * A user's CommonJS project in a fresh temp folder: the packed package copied into
 * node_modules/codex-actors, and `linked` packages linked from this repository's node_modules.
 * `remove()` deletes it.
 */
export function packedProject(name: string, linked: string[]): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `codex-actors-${name}-`));
  const installed = path.join(dir, "node_modules", "codex-actors");
  for (const file of packedFiles()) {
    mkdirSync(path.dirname(path.join(installed, file)), { recursive: true });
    copyFileSync(path.join(ROOT, file), path.join(installed, file));
  }
  for (const pkg of linked) {
    mkdirSync(path.dirname(path.join(dir, "node_modules", pkg)), { recursive: true });
    symlinkSync(path.join(ROOT, "node_modules", pkg), path.join(dir, "node_modules", pkg));
  }
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, private: true }));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
