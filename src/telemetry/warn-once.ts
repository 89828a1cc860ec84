import { describeThrown } from "../types/describe-thrown.js";

/**
 * Wraps handlers so that a throw is caught and warned of once (a process warning with `code`,
 * saying `what` and the error), never rethrown: for handlers whose caller would report it as
 * uncaught.
 */
export function warnOnce(
  code: string,
  what: string,
): <A extends unknown[]>(handler: (...args: A) => void) => (...args: A) => void {
  let warned = false;
  return (handler) =>
    (...args) => {
      try {
        handler(...args);
      } catch (error) {
        if (warned) return;
        warned = true;
        process.emitWarning(`${what}: ${describeThrown(error)}`, { code });
      }
    };
}
