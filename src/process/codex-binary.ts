import { statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { resolveFromLibrary } from "../library-files.js";
import { CodexNotFoundError } from "../types/errors.js";

/** Where the `codex` executable is, and the folders of helpers it expects on PATH. */
export type CodexBinary = { executablePath: string; pathDirs: string[] };

/** The npm package `@openai/codex` installs for each platform it ships, by target triple. */
export const PLATFORM_PACKAGES: Readonly<Record<string, string>> = {
  "x86_64-unknown-linux-musl": "@openai/codex-linux-x64",
  "aarch64-unknown-linux-musl": "@openai/codex-linux-arm64",
  "x86_64-apple-darwin": "@openai/codex-darwin-x64",
  "aarch64-apple-darwin": "@openai/codex-darwin-arm64",
  "x86_64-pc-windows-msvc": "@openai/codex-win32-x64",
  "aarch64-pc-windows-msvc": "@openai/codex-win32-arm64",
};

const TRIPLES: Readonly<Record<string, string>> = {
  "linux-x64": "x86_64-unknown-linux-musl",
  "linux-arm64": "aarch64-unknown-linux-musl",
  "android-x64": "x86_64-unknown-linux-musl",
  "android-arm64": "aarch64-unknown-linux-musl",
  "darwin-x64": "x86_64-apple-darwin",
  "darwin-arm64": "aarch64-apple-darwin",
  "win32-x64": "x86_64-pc-windows-msvc",
  "win32-arm64": "aarch64-pc-windows-msvc",
};

/** The target triple of a platform and architecture, or undefined where codex ships none. */
export function targetTriple(platform: string, arch: string): string | undefined {
  return TRIPLES[`${platform}-${arch}`];
}

/** The environment variable that names the codex binary of every `Codex` without an override. */
export const CODEX_PATH_VARIABLE = "CODEX_ACTORS_CODEX_PATH";

/**
 * Finds the binary: `codexPathOverride` as given; else the file `CODEX_ACTORS_CODEX_PATH` names
 * (it must exist; its package's `codex-path/` folder comes along when there is one); else the
 * platform package that `@openai/codex` depends on, with its `codex-path/` folder to prepend to
 * PATH.
 */
export function locateCodexBinary(
  override?: string,
  platform: string = process.platform,
  arch: string = process.arch,
  env: NodeJS.ProcessEnv = process.env,
): CodexBinary {
  if (override) return { executablePath: override, pathDirs: [] };
  const named = env[CODEX_PATH_VARIABLE];
  if (named) return binaryNamedByEnvironment(named);
  const triple = targetTriple(platform, arch);
  const platformPackage = triple && PLATFORM_PACKAGES[triple];
  if (!triple || !platformPackage) {
    throw new CodexNotFoundError(`codex ships no binary for ${platform} ${arch}`);
  }
  let vendorRoot: string;
  try {
    const codexRequire = createRequire(resolveFromLibrary("@openai/codex/package.json"));
    vendorRoot = path.join(
      path.dirname(codexRequire.resolve(`${platformPackage}/package.json`)),
      "vendor",
    );
  } catch (cause) {
    throw new CodexNotFoundError(`${platformPackage} is not installed`, { cause });
  }
  const root = path.join(vendorRoot, triple);
  const binary = path.join(root, "bin", platform === "win32" ? "codex.exe" : "codex");
  if (!isFile(binary)) throw new CodexNotFoundError(binary);
  return withHelpers(binary);
}

function binaryNamedByEnvironment(file: string): CodexBinary {
  if (!isFile(file)) throw new CodexNotFoundError(`${file}, named by ${CODEX_PATH_VARIABLE}`);
  return withHelpers(path.resolve(file));
}

/** A binary of the vendor layout (`<triple>/bin/codex`) with its `<triple>/codex-path/`, if any. */
function withHelpers(binary: string): CodexBinary {
  const helpers = path.join(path.dirname(path.dirname(binary)), "codex-path");
  return { executablePath: binary, pathDirs: [helpers].filter(isDirectory) };
}

function isFile(file: string): boolean {
  return statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
}

function isDirectory(dir: string): boolean {
  return statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false;
}
