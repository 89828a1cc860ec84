import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { OWNER_VAR, RIG_VAR } from "./processes.js";

/** A fresh temp folder with an empty HOME, CODEX_HOME and working folder, and an env built on them. */
export type HermeticHome = {
  /** The temp folder holding the three below. */
  root: string;
  home: string;
  codexHome: string;
  workdir: string;
  /** `NAME=value` in the environment of every process started with `env`. */
  marker: string;
  /**
   * An environment built from scratch: PATH (node's folder, /usr/bin, /bin), HOME, CODEX_HOME,
   * the kit's process markers, then `extraEnv`. Nothing of the host's.
   */
  env: Record<string, string>;
  /** Removes the folder. */
  remove: () => void;
};

/** The PATH of the processes a rig starts: node's own folder, then the system's. */
export const MINIMAL_PATH = [...new Set([path.dirname(process.execPath), "/usr/bin", "/bin"])].join(
  path.delimiter,
);

/** Makes a {@link HermeticHome} under the temp dir (`codex-actors-<name>-*`). */
export function hermeticHome(name: string, extraEnv: Record<string, string> = {}): HermeticHome {
  const root = mkdtempSync(path.join(tmpdir(), `codex-actors-${name}-`));
  const [home, codexHome, workdir] = ["home", "codex-home", "work"].map((dir) => {
    mkdirSync(path.join(root, dir));
    return path.join(root, dir);
  }) as [string, string, string];
  const rig = randomUUID();
  return {
    root,
    home,
    codexHome,
    workdir,
    marker: `${RIG_VAR}=${rig}`,
    env: {
      PATH: MINIMAL_PATH,
      HOME: home,
      CODEX_HOME: codexHome,
      [OWNER_VAR]: String(process.pid),
      [RIG_VAR]: rig,
      ...extraEnv,
    },
    // A codex that is still exiting may write one last file (its skills cache) while the folder
    // is removed: rmSync retries on ENOTEMPTY rather than failing the teardown.
    remove: () => rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }),
  };
}
