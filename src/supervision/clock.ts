/**
 * Where the machines take time and chance from: injected through their input, so that a test
 * can run them on a fake clock and a fixed draw. The machines never read `Date.now()` or
 * `Math.random()` themselves.
 */
export type Clock = {
  /** Milliseconds since the epoch, as `Date.now()`. */
  now: () => number;
  /** A number in [0, 1), as `Math.random()` (backoff jitter). */
  random: () => number;
};

/** The host's clock and random numbers: what every `Codex` runs on. */
export const systemClock: Clock = { now: () => Date.now(), random: () => Math.random() };
