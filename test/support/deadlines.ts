/**
 * Deadlines in tests. A wait in a test bounds a hang; it never claims a timing (timings live in
 * `bench/`). On a machine busier than usual — `npm run test:stress` runs two suites beside CPU
 * hogs on two cores — every bound stretches by `CODEX_ACTORS_TEST_TIME_SCALE` (default 1), the
 * same factor `jest.config.js` applies to each test's own timeout.
 */
const TIME_SCALE = Math.max(1, Number(process.env.CODEX_ACTORS_TEST_TIME_SCALE) || 1);

/** `ms` stretched by the run's time scale. */
export const scaled = (ms: number): number => Math.round(ms * TIME_SCALE);

/** Rejects naming `what` if `promise` has not settled within `ms` (scaled): a hang, not a timing. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  const bound = scaled(ms);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${bound} ms`)), bound);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** `promise`'s value, or a string saying it is still pending after `ms` (scaled). */
export function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | string> {
  const bound = scaled(ms);
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`pending after ${bound} ms`), bound);
  });
  return Promise.race([promise, pending]).finally(() => clearTimeout(timer));
}
