import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Codex, type Thread, type TransportName } from "../../src/index.js";
import { ModelStandIn, standInConfig, type StandInReply } from "../../src/model-stand-in/index.js";
import type { CodexOptions } from "../../src/types/options.js";
import { hermeticEnv } from "./hermetic-env.js";
import { atTeardown, removeFolder } from "./rig-registry.js";

/** A model slug this codex version knows, so no metadata warning item is emitted. */
export const MODEL = "gpt-5.5";

/** The real binary wired to a fresh stand-in, HOME, CODEX_HOME and working folder. */
export type RealCodexRig = {
  standIn: ModelStandIn;
  codex: Codex;
  /** HOME of the binary and its commands: a fresh empty folder, not the host's. */
  home: string;
  codexHome: string;
  workdir: string;
  /** The environment, built from scratch, that the binary runs in. */
  env: Record<string, string>;
  /** Another `Codex` on the same stand-in and CODEX_HOME, with extra options. */
  makeCodex: <X extends TransportName = "exec">(
    options?: CodexOptions & { transport?: X },
  ) => Codex<X>;
  /** A new thread of `codex` (default: the rig's) in the working folder, sandbox off, no git check. */
  startThread: <X extends TransportName = "exec">(codex?: Codex<X>) => Thread<X>;
  /** Tears the rig down now (shutdowns, stand-in, folders); after each test it happens anyway. */
  close: () => Promise<void>;
};

/**
 * Starts the stand-in with `script` and a `Codex` that talks to it over loopback. The rig and
 * every `Codex` it makes are torn down after the test, whatever its outcome.
 */
export async function realCodex(
  script: StandInReply[] = [],
  options: CodexOptions = {},
): Promise<RealCodexRig> {
  const root = mkdtempSync(path.join(tmpdir(), "codex-actors-test-"));
  const removeRoot = atTeardown(`the folder ${root}`, () => removeFolder(root));
  const standIn = await ModelStandIn.start(script);
  const closeStandIn = atTeardown("the model stand-in", () => standIn.close());
  const shutdowns: Array<() => Promise<void>> = [];
  const [home, codexHome, workdir] = ["home", "codex-home", "work"].map((name) => {
    mkdirSync(path.join(root, name));
    return path.join(root, name);
  }) as [string, string, string];
  const env = hermeticEnv({ HOME: home, CODEX_HOME: codexHome });
  // No login shell: codex would otherwise run one to snapshot the shell set-up (/etc/profile, ~).
  const config = { ...standInConfig(standIn.url), allow_login_shell: false };
  const makeCodex = <X extends TransportName = "exec">(
    extra: CodexOptions & { transport?: X } = {},
  ) => {
    const codex = new Codex<X>({
      apiKey: "test-key",
      config,
      env,
      ...options,
      ...extra,
    } as CodexOptions & {
      transport?: X;
    });
    shutdowns.push(atTeardown("a real-codex Codex", () => codex.shutdown({ timeoutMs: 0 })));
    return codex;
  };
  const codex = makeCodex();
  return {
    standIn,
    codex,
    startThread: <X extends TransportName = "exec">(on: Codex<X> = codex as unknown as Codex<X>) =>
      on.startThread({
        model: MODEL,
        skipGitRepoCheck: true,
        workingDirectory: workdir,
        sandboxMode: "danger-full-access",
      }),
    home,
    codexHome,
    workdir,
    env,
    makeCodex,
    close: async () => {
      await Promise.all(shutdowns.map((shutdown) => shutdown()));
      await closeStandIn();
      await removeRoot();
    },
  };
}
