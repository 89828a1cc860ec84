// @ts-check
// An approval policy, deny by default: a command runs only if it is one simple command, word for
// word on the allow-list, in the repository itself. Anything else is declined: another command,
// a pipe, `;` or `&&`, `$(…)`, a glob, a `cd` elsewhere, a file change, a wider permission.
import path from "node:path";

/** The commands allowed, word for word. */
const ALLOWED = [
  ["npm", "test"],
  ["npm", "run", "lint"],
];

/**
 * An `onApproval` handler for the repository at `repo`.
 * @param {string} repo
 * @returns {import("codex-actors").ApprovalHandler}
 */
export function allowListed(repo) {
  return (request) => {
    // `argv` is null unless `simple`: what cannot be read word for word is declined.
    if (request.kind !== "command" || !request.simple || !request.argv) return "decline";
    if (request.cwd === undefined || path.resolve(request.cwd) !== path.resolve(repo)) {
      return "decline";
    }
    const { argv } = request;
    const allowed = ALLOWED.some(
      (words) => words.length === argv.length && words.every((word, i) => word === argv[i]),
    );
    return allowed ? "accept" : "decline";
  };
}
