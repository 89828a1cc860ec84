/** A live process: pid, parent pid, command line. */
export type RunProcess = { pid: number; ppid: number; cmdline: string };
/** The live descendants of this process, except those `tolerate` accepts. */
export declare function descendants(tolerate?: (p: RunProcess) => boolean): RunProcess[];
/** The live processes of the run marked `marker`, except this process and its ancestors. */
export declare function runProcesses(
  marker: string,
  tolerate?: (p: RunProcess) => boolean,
): RunProcess[];
/** Waits `graceMs` for what `find` returns to end, then SIGKILLs it; resolves with the killed. */
export declare function reap(find: () => RunProcess[], graceMs?: number): Promise<RunProcess[]>;
/** One line per process: pid, parent and the start of its command line. */
export declare function describeProcesses(processes: RunProcess[]): string;
/** Whether `p` is the sentinel this process started: it ends when this process does. */
export declare function isOwnSentinel(p: RunProcess): boolean;
