import { describe, expect, it } from "@jest/globals";
import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PLATFORM_PACKAGES, targetTriple } from "../src/process/codex-binary.js";
import { runChild, runNode } from "./support/child-run.js";
import { hermeticEnv } from "./support/hermetic-env.js";
import { tempDir } from "./support/rig-registry.js";
import { ROOT } from "./support/packed-project.js";

// The install route of the README, as a user takes it: the tarball `npm pack` makes, installed
// into a project of their own by npm (its dependencies from npm's cache, or the registry), then
// the package imported by name runs a turn of the real binary.

const USER_SCRIPT = fileURLToPath(new URL("./fixtures/installed-user.mjs", import.meta.url));
const NPM_CACHE = execFileSync("npm", ["config", "get", "cache"], { encoding: "utf8" }).trim();
const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  name: string;
  version: string;
  scripts: Record<string, string>;
};

describe("installing the packed tarball", () => {
  it("npm pack builds first, so a fresh clone's tarball holds dist/", () => {
    expect(pkg.scripts.prepack).toBe("npm run build");
    expect(pkg.scripts.build).toBe("node scripts/build.mjs");
  });

  it("npm install of the tarball gives a package that runs a turn, imported by its name", async () => {
    const root = tempDir("install");
    const [packs, project, home] = ["packs", "project", "home"].map((name) => {
      mkdirSync(path.join(root, name));
      return path.join(root, name);
    }) as [string, string, string];
    const env = hermeticEnv({
      HOME: home,
      npm_config_cache: NPM_CACHE,
      npm_config_update_notifier: "false",
      npm_config_fund: "false",
      npm_config_audit: "false",
    });
    // The tree is built (npm test builds first): pack it as it is.
    const packed = await runChild(
      "npm",
      ["pack", "--ignore-scripts", "--json", "--pack-destination", packs],
      { cwd: ROOT, env, timeoutMs: 60_000 },
    );
    expect(packed.code).toBe(0);
    const tarball = path.join(packs, `${pkg.name}-${pkg.version}.tgz`);
    expect(existsSync(tarball)).toBe(true);

    writeFileSync(
      path.join(project, "package.json"),
      JSON.stringify({ name: "user", private: true }),
    );
    // codex's platform package (hundreds of MB) is linked from here rather than unpacked again.
    const installed = await runChild(
      "npm",
      ["install", tarball, "--prefer-offline", "--omit=optional", "--ignore-scripts"],
      { cwd: project, env, timeoutMs: 120_000 },
    );
    expect(installed).toEqual({ code: 0, signal: null, output: expect.any(String) });
    const platformPackage = PLATFORM_PACKAGES[targetTriple(process.platform, process.arch)!]!;
    mkdirSync(path.join(project, "node_modules", "@openai"), { recursive: true });
    symlinkSync(
      path.join(ROOT, "node_modules", platformPackage),
      path.join(project, "node_modules", platformPackage),
    );
    const manifest = JSON.parse(readFileSync(path.join(project, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    expect(manifest.dependencies).toEqual({ "codex-actors": expect.stringMatching(/\.tgz$/) });
    expect(existsSync(path.join(project, "node_modules", "codex-actors", "dist", "index.js"))).toBe(
      true,
    );
    // No command: the package installs none.
    expect(existsSync(path.join(project, "node_modules", ".bin", "codex-actors"))).toBe(false);

    copyFileSync(USER_SCRIPT, path.join(project, "user.mjs"));
    const ran = await runNode(["user.mjs"], { cwd: project, env, timeoutMs: 60_000 });
    expect(ran).toEqual({
      code: 0,
      signal: null,
      output: `${JSON.stringify({ finalResponse: "Installed from the tarball.", requests: 1 })}\n`,
    });
  }, 240_000);
});
