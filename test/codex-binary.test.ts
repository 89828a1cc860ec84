import { describe, expect, it } from "@jest/globals";
import { execFileSync } from "node:child_process";
import { accessSync, constants, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { locateCodexBinary, PLATFORM_PACKAGES, targetTriple } from "../src/process/codex-binary.js";
import { CodexError, CodexNotFoundError } from "../src/types/errors.js";

const requireHere = createRequire(import.meta.url);

/** The platform packages `@openai/codex` itself declares, one per platform it ships. */
function declaredPlatformPackages(): string[] {
  const manifest = JSON.parse(
    readFileSync(requireHere.resolve("@openai/codex/package.json"), "utf8"),
  ) as { optionalDependencies?: Record<string, string> };
  return Object.keys(manifest.optionalDependencies ?? {});
}

/** The CodexNotFoundError `locate` throws, failing the test if it throws none. */
function notFoundErrorOf(locate: () => unknown): CodexNotFoundError {
  try {
    locate();
  } catch (error) {
    expect(error).toBeInstanceOf(CodexNotFoundError);
    return error as CodexNotFoundError;
  }
  throw new Error("expected CodexNotFoundError");
}

const SHIPPED: Array<[string, string, string]> = [
  ["linux", "x64", "x86_64-unknown-linux-musl"],
  ["linux", "arm64", "aarch64-unknown-linux-musl"],
  ["darwin", "x64", "x86_64-apple-darwin"],
  ["darwin", "arm64", "aarch64-apple-darwin"],
  ["win32", "x64", "x86_64-pc-windows-msvc"],
  ["win32", "arm64", "aarch64-pc-windows-msvc"],
];

describe("targetTriple and PLATFORM_PACKAGES", () => {
  it.each(SHIPPED)("maps %s %s to %s", (platform, arch, triple) => {
    expect(targetTriple(platform, arch)).toBe(triple);
  });

  it.each(SHIPPED)("installs %s %s from @openai/codex-%s-%s", (platform, arch) => {
    expect(PLATFORM_PACKAGES[targetTriple(platform, arch)!]).toBe(
      `@openai/codex-${platform}-${arch}`,
    );
  });

  it.each([
    ["linux", "ia32"],
    ["linux", "ppc64"],
    ["darwin", "ia32"],
    ["win32", "ia32"],
    ["freebsd", "x64"],
    ["openbsd", "arm64"],
    ["aix", "ppc64"],
    ["sunos", "x64"],
  ])("has no triple for %s %s, where codex ships no binary", (platform, arch) => {
    expect(targetTriple(platform, arch)).toBeUndefined();
  });

  it("covers exactly the platform packages @openai/codex declares", () => {
    expect(Object.values(PLATFORM_PACKAGES).sort()).toEqual(declaredPlatformPackages().sort());
  });
});

describe("locateCodexBinary", () => {
  it("finds an executable codex binary on this machine, with its codex-path helpers", () => {
    const { executablePath, pathDirs } = locateCodexBinary();
    expect(statSync(executablePath).isFile()).toBe(true);
    expect(() => accessSync(executablePath, constants.X_OK)).not.toThrow();
    expect(path.basename(executablePath)).toBe(
      process.platform === "win32" ? "codex.exe" : "codex",
    );
    expect(executablePath).toContain(targetTriple(process.platform, process.arch)!);
    expect(pathDirs).toEqual([path.join(path.dirname(path.dirname(executablePath)), "codex-path")]);
    expect(statSync(pathDirs[0]!).isDirectory()).toBe(true);
  });

  it("finds the binary @openai/codex ships, which reports its version", () => {
    const { version } = JSON.parse(
      readFileSync(requireHere.resolve("@openai/codex/package.json"), "utf8"),
    ) as { version: string };
    const shipped = locateCodexBinary(undefined, process.platform, process.arch, {});
    const output = execFileSync(shipped.executablePath, ["--version"], {
      encoding: "utf8",
    });
    expect(output.trim()).toBe(`codex-cli ${version}`);
  });

  it("returns an override as it is, with no helper folders, without checking it", () => {
    expect(locateCodexBinary("/no/such/codex")).toEqual({
      executablePath: "/no/such/codex",
      pathDirs: [],
    });
    expect(locateCodexBinary("relative/codex", "aix", "ppc64")).toEqual({
      executablePath: "relative/codex",
      pathDirs: [],
    });
  });

  it("takes the binary CODEX_ACTORS_CODEX_PATH names, with its helpers; an override still wins", () => {
    const shipped = locateCodexBinary(undefined, process.platform, process.arch, {});
    const env = { CODEX_ACTORS_CODEX_PATH: shipped.executablePath };
    expect(locateCodexBinary(undefined, process.platform, process.arch, env)).toEqual(shipped);
    expect(locateCodexBinary(undefined, "aix", "ppc64", env)).toEqual(shipped);
    expect(locateCodexBinary("/my/codex", process.platform, process.arch, env)).toEqual({
      executablePath: "/my/codex",
      pathDirs: [],
    });
  });

  it("rejects a CODEX_ACTORS_CODEX_PATH that names no file, saying which variable named it", () => {
    const env = { CODEX_ACTORS_CODEX_PATH: "/no/such/codex" };
    const error = notFoundErrorOf(() =>
      locateCodexBinary(undefined, process.platform, process.arch, env),
    );
    expect(error.path).toBe("/no/such/codex, named by CODEX_ACTORS_CODEX_PATH");
    expect(error.message).toContain("/no/such/codex, named by CODEX_ACTORS_CODEX_PATH");
  });

  it("rejects an unsupported platform with CodexNotFoundError saying how to install codex", () => {
    const error = notFoundErrorOf(() => locateCodexBinary(undefined, "freebsd", "x64"));
    expect(error).toBeInstanceOf(CodexError);
    expect(error).toMatchObject({ name: "CodexNotFoundError", kind: "binary_not_found" });
    expect(error.message).toContain("npm install @openai/codex");
    expect(error.message).toContain("freebsd");
    expect(error.message).toContain("codexPathOverride");
  });

  it("rejects a shipped platform whose package is not installed, naming the package", () => {
    const missing = SHIPPED.find(([platform, arch]) => {
      try {
        const codexRequire = createRequire(requireHere.resolve("@openai/codex/package.json"));
        codexRequire.resolve(`@openai/codex-${platform}-${arch}/package.json`);
        return false;
      } catch {
        return true;
      }
    });
    expect(missing).toBeDefined();
    const [platform, arch] = missing!;
    const error = notFoundErrorOf(() => locateCodexBinary(undefined, platform, arch));
    expect(error.message).toContain(`@openai/codex-${platform}-${arch}`);
    expect(error.message).toContain("npm install @openai/codex");
  });
});
