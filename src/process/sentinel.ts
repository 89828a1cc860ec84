import { spawn, type ChildProcess } from "node:child_process";

/**
 * The sentinel: a tiny detached `sh` process holding a lifeline pipe from the host. The host
 * tells it which codex process groups are alive, and the marks of their attempts; if the host
 * dies, even by SIGKILL, the pipe closes and the sentinel kills those groups, every descendant
 * and every process carrying one of the marks, with the groups they lead (SIGTERM, then SIGKILL
 * a second later). It holds no handle in the host, so an idle host exits
 * as if it were not there, and `sh` starts in a millisecond, so it costs a turn nothing.
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

/** Tells the sentinel that the processes carrying `mark` (`KEY=value`) are an attempt's. */
export function watchMark(mark: string): void {
  tell(`=+${mark}`);
}

/** Tells the sentinel that the attempt of `mark` has ended. */
export function unwatchMark(mark: string): void {
  tell(`=-${mark}`);
}

function tell(line: string): void {
  if (process.platform === "win32") return;
  if (!sentinel || sentinel.exitCode !== null || !sentinel.stdin?.writable)
    sentinel = startSentinel();
  sentinel.stdin?.write(`${line}\n`);
}

function startSentinel(): ChildProcess {
  const child = spawn("/bin/sh", ["-c", SENTINEL_SCRIPT], {
    detached: true,
    stdio: ["pipe", "ignore", "ignore"],
  });
  child.stdin?.on("error", () => undefined);
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return child;
}

/** Prints "pid ppid" for every process: from /proc where there is one, else from `ps`. */
const PROCESS_TABLE = `
table() {
  if [ -r /proc/self/stat ]; then
    cat /proc/[0-9]*/stat 2>/dev/null | awk '{
      pid = $1; rest = $0
      while ((at = index(rest, ") ")) > 0) rest = substr(rest, at + 2)
      split(rest, field, " "); print pid, field[2]
    }'
  else
    ps -A -o pid= -o ppid=
  fi
}`;

/** Prints the pid of every process whose environment holds one of the marks ("$@"). */
const MARKED = `
marked() {
  for mark in "$@"; do set -- "$@" -e "$mark"; shift; done
  grep -l -F "$@" /proc/[0-9]*/environ 2>/dev/null | sed -n 's|^/proc/\\([0-9]*\\)/environ$|\\1|p'
}`;

/**
 * Reads +pid / -pid (groups) and =+mark / =-mark (attempts' marks) lines until the host's end of
 * the pipe closes, then reaps.
 */
const SENTINEL_SCRIPT = `# codex-actors sentinel
${PROCESS_TABLE}
${MARKED}
groups=" "
marks=" "
while IFS= read -r line; do
  case $line in
    =+*) marks="$marks\${line#=+} " ;;
    =-*) mark=\${line#=-}
        case $marks in *" $mark "*) marks="\${marks%% $mark *} \${marks#* $mark }" ;; esac ;;
    +*) groups="$groups\${line#+} " ;;
    -*) pid=\${line#-}
        case $groups in *" $pid "*) groups="\${groups%% $pid *} \${groups#* $pid }" ;; esac ;;
  esac
done
case $groups in *[0-9]*) ;; *) exit 0 ;; esac
doomed=$(table | awk -v roots="$groups" '
  { parent[$1] = $2 }
  END {
    n = split(roots, root, " "); for (i = 1; i <= n; i++) keep[root[i]] = 1
    do { changed = 0
      for (p in parent) if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; changed = 1 }
    } while (changed)
    for (p in keep) print p
  }')
case $marks in *[0-9a-f]*) doomed="$doomed $(marked $marks)" ;; esac
signal() { for p in $doomed; do kill -s "$1" -- "-$p" 2>/dev/null; kill -s "$1" "$p" 2>/dev/null; done; }
signal TERM
sleep 1
signal KILL
`;
