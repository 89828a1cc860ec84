import type { Readable } from "node:stream";

/** A wait, after codex's exit, for the rest of its output. */
export type ExitDrain = {
  /** True once every stream ended by itself; false when the wait was cut. */
  ended: Promise<boolean>;
  /** Stops waiting now (the attempt is being stopped). */
  cut: () => void;
};

/**
 * Waits, once codex has exited, for its stdout and stderr to end, but not forever: a process it
 * left behind may hold a pipe open, even write to it. The wait ends when all have ended, after
 * `boundMs` (time a slow consumer holds stdout paused does not count: what codex wrote before
 * it exited is never lost), or on `cut()`.
 */
export function drainAfterExit(streams: Array<Readable | null>, boundMs: number): ExitDrain {
  const open = streams.filter(
    (stream): stream is Readable => stream !== null && !stream.readableEnded && !stream.destroyed,
  );
  if (open.length === 0) return { ended: Promise.resolve(true), cut: () => undefined };
  let finish: (ended: boolean) => void = () => undefined;
  const ended = new Promise<boolean>((resolve) => {
    let pending = open.length;
    const bound = setTimeout(() => {
      if (open.some((stream) => stream.isPaused())) bound.refresh();
      else done(false);
    }, boundMs);
    const onEnd = function (this: Readable) {
      this.off("end", onEnd).off("close", onEnd);
      if (--pending === 0) done(true);
    };
    const done = (byItself: boolean) => {
      finish = () => undefined;
      clearTimeout(bound);
      for (const stream of open) stream.off("end", onEnd).off("close", onEnd);
      resolve(byItself);
    };
    finish = done;
    for (const stream of open) stream.on("end", onEnd).on("close", onEnd);
  });
  return { ended, cut: () => finish(false) };
}
