import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Codex } from "../../src/index.js";
import { locateCodexBinary } from "../../src/process/codex-binary.js";
import {
  ModelStandIn,
  standInConfig,
  type FallbackReply,
  type StandInReply,
} from "../../src/model-stand-in/index.js";
import type { CodexConfigObject, CodexOptions, ThreadOptions } from "../../src/types/options.js";
import { hermeticEnv } from "./hermetic-env.js";
import { MODEL } from "./real-codex.js";
import { atTeardown, removeFolder } from "./rig-registry.js";

/** Which SDK a parity run drives. */
export type Sdk = "official" | "ours";

/** What reached one codex process: its argv (schema path as a placeholder) and environment. */
export type Spawned = { argv: string[]; env: Record<string, string> };

/** The same world for each SDK: a fresh stand-in with the same script, home, and real binary. */
export type ParityRig = {
  sdk: Sdk;
  standIn: ModelStandIn;
  /** A `Codex` of this rig's SDK (the official one typed as ours: same public surface). */
  codex: Codex;
  startThread: (options?: ThreadOptions) => ReturnType<Codex["startThread"]>;
  /** Every codex process started so far, as the binary received it. */
  spawned: () => Spawned[];
  close: () => Promise<void>;
};

/** What each parity scenario may change in the world. */
export type ParitySetup = {
  script?: StandInReply[];
  fallback?: FallbackReply;
  /** Settings merged into the stand-in's provider (e.g. `request_max_retries`). */
  provider?: CodexConfigObject;
};

const official = await import("@openai/codex-sdk");
const REAL_CODEX = locateCodexBinary().executablePath;

/**
 * A shell wrapper in front of the real binary: it writes the argv and environment it was given
 * (one file per process, named by the time it started and its pid: pids wrap on a busy machine,
 * so they do not give the order), then `exec`s codex with them. Both SDKs run it as
 * `codexPathOverride`.
 */
function wrapper(dir: string): string {
  const file = path.join(dir, "codex");
  const log = path.join(dir, "spawned");
  mkdirSync(log);
  writeFileSync(
    file,
    `#!/bin/sh
out=${JSON.stringify(log)}/$(/bin/date +%s%N)-$$
printf '%s\\0' "$@" > "$out.argv"
env -0 > "$out.env"
exec ${JSON.stringify(REAL_CODEX)} "$@"
`,
  );
  chmodSync(file, 0o755);
  return file;
}

function readSpawned(dir: string): Spawned[] {
  const log = path.join(dir, "spawned");
  const names = readdirSync(log)
    .filter((name) => name.endsWith(".argv"))
    .map((file) => ({ name: file.slice(0, -5), started: BigInt(file.split("-")[0]!) }))
    .sort((a, b) => Number(a.started - b.started))
    .map(({ name }) => name);
  const split = (file: string) => readFileSync(file, "utf8").split("\0").slice(0, -1);
  return names.map((name) => {
    const argv = split(path.join(log, `${name}.argv`));
    const env = Object.fromEntries(
      split(path.join(log, `${name}.env`)).map((line) => {
        const at = line.indexOf("=");
        return [line.slice(0, at), line.slice(at + 1)];
      }),
    );
    delete env.PWD;
    delete env.SHLVL;
    delete env._;
    // codex-actors' one addition, each attempt's mark (docs/supervision.md, "Owning processes").
    if (/^\d+-\d+-\w+$/.test(env.CODEX_ACTORS_ATTEMPT ?? "")) delete env.CODEX_ACTORS_ATTEMPT;
    return {
      argv: argv.map((arg, i) => (argv[i - 1] === "--output-schema" ? "<schema>" : arg)),
      env,
    };
  });
}

/** Starts the world for one SDK. */
export async function parityRig(sdk: Sdk, setup: ParitySetup = {}): Promise<ParityRig> {
  const root = mkdtempSync(path.join(tmpdir(), `codex-actors-parity-${sdk}-`));
  const removeRoot = atTeardown(`the folder ${root}`, () => removeFolder(root));
  const standIn = await ModelStandIn.start(setup.script ?? [], setup.fallback);
  const closeStandIn = atTeardown("the model stand-in", () => standIn.close());
  const codexHome = path.join(root, "home");
  const workdir = path.join(root, "work");
  for (const dir of [codexHome, workdir]) mkdirSync(dir);
  // No login shell, as in real-codex.ts: codex would otherwise source the host's shell set-up.
  const config: CodexConfigObject = { ...standInConfig(standIn.url), allow_login_shell: false };
  const providers = config.model_providers as CodexConfigObject;
  providers.stand_in = { ...(providers.stand_in as CodexConfigObject), ...setup.provider };
  const options: CodexOptions = {
    codexPathOverride: wrapper(root),
    apiKey: "test-key",
    config,
    env: hermeticEnv({ HOME: root, CODEX_HOME: codexHome }),
  };
  const codex =
    sdk === "ours" ? new Codex(options) : (new official.Codex(options) as unknown as Codex);
  const shutdown =
    sdk === "ours" ? atTeardown("a parity Codex", () => codex.shutdown({ timeoutMs: 0 })) : null;
  return {
    sdk,
    standIn,
    codex,
    startThread: (thread = {}) =>
      codex.startThread({
        model: MODEL,
        skipGitRepoCheck: true,
        workingDirectory: workdir,
        sandboxMode: "danger-full-access",
        ...thread,
      }),
    spawned: () => readSpawned(root),
    close: async () => {
      await shutdown?.();
      await closeStandIn();
      await removeRoot();
    },
  };
}

/** Runs `scenario` in a fresh world for each SDK (official first) and returns both results. */
export async function both<R>(
  setup: ParitySetup,
  scenario: (rig: ParityRig) => Promise<R>,
): Promise<Record<Sdk, R>> {
  const results = {} as Record<Sdk, R>;
  for (const sdk of ["official", "ours"] as const) {
    const rig = await parityRig(sdk, setup);
    try {
      results[sdk] = await scenario(rig);
    } finally {
      await rig.close();
    }
  }
  return results;
}

/** The environment with the per-run temp folder replaced by a placeholder. */
export function portableEnv(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([key, value]) => [
      key,
      value.replace(/\/[^:]*codex-actors-parity-(official|ours)-[^/:]+/g, "<root>"),
    ]),
  );
}

/** Argv with the per-run temp folder, stand-in port and thread ids replaced by placeholders. */
export function portableArgv(argv: string[]): string[] {
  return argv.map((arg) =>
    arg
      .replace(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, "<thread id>")
      .replace(/\/[^:"]*codex-actors-parity-(official|ours)-[^/"]+/g, "<root>")
      .replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:<port>"),
  );
}
