import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** A folder laid out like a user's ESM project that installed codex-actors. */
export type UserProject = {
  dir: string;
  /** Writes `content` to `name` (a path inside the project), creating its folders. */
  write: (name: string, content: string) => string;
  remove: () => void;
};

/**
 * A user's project in the temp dir: `package.json` with `"type": "module"` and, in its
 * `node_modules`, `codex-actors` (this repository: its `exports`, so the built `dist/`) beside
 * every package this repository has installed (the user's own dependencies: Jest, OpenTelemetry…),
 * all as links.
 */
export function userProject(name: string): UserProject {
  const dir = mkdtempSync(path.join(tmpdir(), `codex-actors-${name}-`));
  const modules = path.join(dir, "node_modules");
  mkdirSync(modules);
  for (const entry of readdirSync(path.join(ROOT, "node_modules"))) {
    if (entry.startsWith(".") && entry !== ".bin") continue;
    symlinkSync(path.join(ROOT, "node_modules", entry), path.join(modules, entry));
  }
  symlinkSync(ROOT, path.join(modules, "codex-actors"));
  const write = (file: string, content: string) => {
    const at = path.join(dir, file);
    mkdirSync(path.dirname(at), { recursive: true });
    writeFileSync(at, content);
    return at;
  };
  write("package.json", JSON.stringify({ name: "user-project", private: true, type: "module" }));
  return { dir, write, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
