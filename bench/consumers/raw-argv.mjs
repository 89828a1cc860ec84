// The argv and binary the raw consumer gives the CLI, built by hand (the SDKs build the same).
import { createRequire } from "node:module";
import path from "node:path";

// `codex exec --experimental-json` with the options the benchmarks use, in the SDKs' order.
export function codexArgv(options, thread, threadId) {
  const argv = ["exec", "--experimental-json"];
  for (const flag of configFlags(options.config ?? {}, "")) argv.push("--config", flag);
  if (thread.model) argv.push("--model", thread.model);
  if (thread.sandboxMode) argv.push("--sandbox", thread.sandboxMode);
  if (thread.workingDirectory) argv.push("--cd", thread.workingDirectory);
  if (thread.skipGitRepoCheck) argv.push("--skip-git-repo-check");
  if (threadId) argv.push("resume", threadId);
  return argv;
}

// Flattens a config object into dotted `key=value` flags with TOML (here: JSON-compatible) values.
function configFlags(value, prefix) {
  return Object.entries(value).flatMap(([key, child]) => {
    const dotted = prefix ? `${prefix}.${key}` : key;
    return typeof child === "object" && child !== null && !Array.isArray(child)
      ? configFlags(child, dotted)
      : [`${dotted}=${JSON.stringify(child)}`];
  });
}

// The real binary `@openai/codex` installs here, and the helper folder it wants first on PATH.
export function realCodexBinary() {
  const require = createRequire(import.meta.url);
  const codexRequire = createRequire(require.resolve("@openai/codex/package.json"));
  const triple = "x86_64-unknown-linux-musl";
  const pkg = codexRequire.resolve("@openai/codex-linux-x64/package.json");
  const root = path.join(path.dirname(pkg), "vendor", triple);
  return {
    executablePath: path.join(root, "bin", "codex"),
    pathDir: path.join(root, "codex-path"),
  };
}
