import { spawn, type ChildProcess } from "node:child_process";
import { descendantsOf } from "./process-tree.js";

/**
 * The sentinel: a tiny detached process holding a lifeline pipe from the host. The host tells it
 * which codex process groups are alive; if the host dies, even by SIGKILL, the pipe closes and
 * the sentinel kills those groups and every descendant (SIGTERM, then SIGKILL 500 ms later).
 * It holds no handle in the host: an idle host exits as if it were not there.
 */
let sentinel: ChildProcess | undefined;

/** Tells the sentinel that the group led by `pid` is alive (starting the sentinel if needed). */
export function watchGroup(pid: number): void {
  tell(`+${pid}`);
}

/** Tells the sentinel that the group led by `pid` has ended. */
export function unwatchGroup(pid: number): void {
  tell(`-${pid}`);
}

function tell(line: string): void {
  if (process.platform === "win32") return;
  if (!sentinel || sentinel.exitCode !== null || !sentinel.stdin?.writable)
    sentinel = startSentinel();
  sentinel.stdin?.write(`${line}\n`);
}

function startSentinel(): ChildProcess {
  const script = `(${sentinelMain.toString()})(${descendantsOf.toString()});`;
  const child = spawn(process.execPath, ["-e", script], {
    detached: true,
    stdio: ["pipe", "ignore", "ignore"],
  });
  child.stdin?.on("error", () => undefined);
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return child;
}

/** The sentinel's program (runs as CommonJS under `node -e`, given `descendantsOf`). */
function sentinelMain(descendants: typeof descendantsOf): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const io = { ...require("node:fs"), ...require("node:child_process") };
  const groups = new Set<number>();
  let pending = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk: string) => {
    pending += chunk;
    for (let newline = pending.indexOf("\n"); newline >= 0; newline = pending.indexOf("\n")) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (line.startsWith("+")) groups.add(Number(line.slice(1)));
      else groups.delete(Number(line.slice(1)));
    }
  });
  const reap = () => {
    const doomed = new Set<number>();
    for (const pid of groups) {
      doomed.add(pid);
      for (const descendant of descendants(pid, io)) doomed.add(descendant);
    }
    const signal = (name: NodeJS.Signals) => {
      for (const pid of doomed) {
        for (const target of [-pid, pid]) {
          try {
            process.kill(target, name);
          } catch {
            // already gone
          }
        }
      }
    };
    signal("SIGTERM");
    setTimeout(() => {
      signal("SIGKILL");
      process.exit(0);
    }, 500);
  };
  process.stdin.on("end", reap);
  process.stdin.on("error", reap);
}
