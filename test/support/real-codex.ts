import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Codex, type Thread } from "../../src/index.js";
import { ModelStandIn, standInConfig, type StandInReply } from "../../src/model-stand-in/index.js";
import type { CodexOptions } from "../../src/types/options.js";

/** A model slug this codex version knows, so no metadata warning item is emitted. */
export const MODEL = "gpt-5.5";

/** The real binary wired to a fresh stand-in, CODEX_HOME and working folder; `close` removes all. */
export type RealCodexRig = {
  standIn: ModelStandIn;
  codex: Codex;
  codexHome: string;
  workdir: string;
  /** The environment the rig's codex runs with (built from scratch). */
  env: Record<string, string>;
  /** Another `Codex` on the same stand-in and CODEX_HOME, with extra options. */
  makeCodex: (options?: CodexOptions) => Codex;
  /** A new thread of `codex` (default: the rig's) in the working folder, sandbox off, no git check. */
  startThread: (codex?: Codex) => Thread;
  close: () => Promise<void>;
};

/** Starts the stand-in with `script` and a `Codex` that talks to it over loopback. */
export async function realCodex(
  script: StandInReply[] = [],
  options: CodexOptions = {},
): Promise<RealCodexRig> {
  const standIn = await ModelStandIn.start(script);
  const root = mkdtempSync(path.join(tmpdir(), "codex-actors-test-"));
  const codexHome = path.join(root, "home");
  const workdir = path.join(root, "work");
  for (const dir of [codexHome, workdir]) mkdirSync(dir);
  const env = { PATH: process.env.PATH ?? "", HOME: root, CODEX_HOME: codexHome };
  const makeCodex = (extra: CodexOptions = {}) =>
    new Codex({
      apiKey: "test-key",
      config: standInConfig(standIn.url),
      env,
      ...options,
      ...extra,
    });
  const codex = makeCodex();
  return {
    standIn,
    codex,
    startThread: (on = codex) =>
      on.startThread({
        model: MODEL,
        skipGitRepoCheck: true,
        workingDirectory: workdir,
        sandboxMode: "danger-full-access",
      }),
    codexHome,
    workdir,
    env,
    makeCodex,
    close: async () => {
      await standIn.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
