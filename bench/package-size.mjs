// What a user installs: the packed size of codex-actors and of the official SDK, and how many
// packages each brings (its dependencies, transitively; the platform binary of `@openai/codex`,
// the same for both, not counted).
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

// The markdown section comparing the two packages.
export function packageSection() {
  const ours = facts(ROOT);
  const official = facts(path.join(ROOT, "node_modules", "@openai", "codex-sdk"));
  const line = (name, f) =>
    `| ${name} | ${f.files} | ${kB(f.unpackedSize)} | ${kB(f.size)} | ${f.direct.join(", ")} | ${f.installed.count} | ${kB(f.installed.bytes)} |`;
  return [
    "## Package",
    "",
    "`npm pack --dry-run` of this tree and of the installed official SDK. Packages installed:",
    "the package's dependencies, transitively, and their size on disk; the platform binary that",
    "`@openai/codex` pulls in (the same for both, ~400 MB) is not counted.",
    "",
    "| package | files | unpacked | packed | dependencies | packages installed | their size |",
    "| --- | ---: | ---: | ---: | --- | ---: | ---: |",
    line("codex-actors", ours),
    line("@openai/codex-sdk 0.163.0", official),
  ].join("\n");
}

const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;

// Files and sizes from `npm pack --dry-run`, and the dependencies installed with the package.
function facts(dir) {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: dir,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  const [packed] = JSON.parse(out);
  const manifest = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
  const direct = Object.keys(manifest.dependencies ?? {});
  return {
    files: packed.entryCount,
    unpackedSize: packed.unpackedSize,
    size: packed.size,
    direct,
    installed: installed(dir, direct),
  };
}

// The distinct packages `names` bring, found from `dir` as Node would, and their size on disk.
function installed(dir, names) {
  const seen = new Set();
  const visit = (from, name) => {
    const found = findPackage(from, name);
    if (!found || seen.has(found)) return;
    seen.add(found);
    const manifest = JSON.parse(readFileSync(path.join(found, "package.json"), "utf8"));
    for (const dep of Object.keys(manifest.dependencies ?? {})) visit(found, dep);
  };
  for (const name of names) visit(dir, name);
  const bytes = [...seen].reduce((sum, pkg) => sum + sizeOf(pkg), 0);
  return { count: seen.size, bytes };
}

// The folder of package `name` as seen from `from`: the nearest node_modules up the tree.
function findPackage(from, name) {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", name);
    if (existsSync(path.join(candidate, "package.json"))) return candidate;
    if (dir === path.dirname(dir)) return undefined;
  }
}

// Bytes of the files in a package folder, without its own nested node_modules.
function sizeOf(dir) {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => {
    if (entry.name === "node_modules") return sum;
    const full = path.join(dir, entry.name);
    return sum + (entry.isDirectory() ? sizeOf(full) : statSync(full).size);
  }, 0);
}
