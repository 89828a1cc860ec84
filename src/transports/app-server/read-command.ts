import path from "node:path";
import parse from "shell-quote/parse.js";

/**
 * Reads a command codex asks approval for as its user means it. codex reports the command as
 * the shell runs it, quoted into one line (`/bin/bash -lc 'cd sub && npm test'`); an approval
 * policy wants the program and its arguments (`["npm", "test"]`) and where it runs (`sub`).
 *
 * Safe by construction: `argv` is given only when it is exactly what will run. The line is split
 * into words by shell-quote (bash's quoting: single and double quotes, backslash escapes), one
 * shell wrapping (`bash`, `sh`, `zsh`, `dash`; bare or in `/bin`, `/usr/bin`, `/usr/local/bin`,
 * `/opt/homebrew/bin`; `-c`, `-lc`, `-cl`, `-l -c`, `--login -c`) is taken off at a time, and
 * leading `cd dir &&` steps become the working directory. Anything else the shell would read
 * otherwise than as literal words gives `simple: false` and `argv: null`, with the reason: an
 * operator (`|`, `;`, `&&` past the `cd` prefix, `&`, redirections, here-docs, subshells),
 * `$` (variables, `$(…)`, arithmetic), backticks, a glob (`*`, `?`, `[`), brace or tilde
 * expansion, a comment, a line break, an environment assignment (`FOO=1 cmd`), a reserved word
 * (`if`, `!`, `time`…), a shell run any other way, or a shell outside those folders. Where the
 * library cannot tell quoted from unquoted (a backtick, a line break) it refuses both.
 *
 * Not seen from the line: what the shell's start-up does (a login shell's profile may define
 * aliases or functions), and `CDPATH`, which changes where a relative `cd dir` goes.
 */
export type ReadCommand =
  | { simple: true; argv: string[]; cwd: string | undefined }
  | { simple: false; argv: null; cwd: string | undefined; why: string };

/** The shells codex runs commands with, and the only folders they are trusted from. */
const SHELLS = new Set(["bash", "sh", "zsh", "dash"]);
const SHELL_DIRS = new Set(["/bin", "/usr/bin", "/usr/local/bin", "/opt/homebrew/bin"]);
/** How a shell is told to run its next argument as a script. */
const SCRIPT_FLAGS = [["-c"], ["-lc"], ["-cl"], ["-l", "-c"], ["--login", "-c"]];
/** Words that are shell syntax, not a program, first in a command. */
const RESERVED = new Set(
  "! [[ ]] { } case coproc do done elif else esac fi for function if in select then time until while".split(
    " ",
  ),
);
/** Nested shells unwrapped at most (`bash -c "sh -c '…'"`). */
const MAX_DEPTH = 4;

/** Characters a shell reads specially wherever they stand, quoted or not, as far as we can see. */
const ANYWHERE = /`|[^\S \t]|[^\P{Cc}\t]/u;
/** Characters and pairs a shell expands when unquoted (bracket glob, braces, tilde, `$'…'`). */
const WHEN_UNQUOTED = /[[{~]|\$(?=')/g;
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/;

type Token = string | { op: string } | { comment: string } | { expansion: true };
const EXPANSION = { expansion: true } as const;

/**
 * The command `command` (the line codex reports, or an argv) runs, in `cwd` (the request's
 * working directory, which a `cd dir &&` prefix is resolved against). Pure; never throws.
 */
export function readCommand(command: string | readonly string[], cwd?: string): ReadCommand {
  if (typeof command !== "string") return unwrap([...command], cwd, 0);
  const tokens = tokensOf(command);
  if (typeof tokens === "string") return notSimple(tokens, cwd);
  const words = plainWords(tokens);
  if (typeof words === "string") return notSimple(words, cwd);
  // A line that is not a shell's argv but a script line itself is read as the shell would.
  const why = commandWordsFault(words);
  return why ? notSimple(why, cwd) : unwrap(words, cwd, 0);
}

/** `argv` with its shell wrapping taken off, or why it cannot be. */
function unwrap(argv: string[], cwd: string | undefined, depth: number): ReadCommand {
  const [program, ...rest] = argv;
  if (program === undefined) return notSimple("no command", cwd);
  const shell = shellOf(program);
  if (shell === "untrusted")
    return notSimple(`a shell outside the system folders (${program})`, cwd);
  if (shell === "no") return { simple: true, argv, cwd };
  const script = rest.at(-1);
  const flags = rest.slice(0, -1);
  const asScript = SCRIPT_FLAGS.some(
    (form) => form.length === flags.length && form.every((flag, i) => flag === flags[i]),
  );
  if (script === undefined || !asScript) {
    return notSimple(`${program} run otherwise than with -c and one script`, cwd);
  }
  if (depth >= MAX_DEPTH) return notSimple("shells nested too deep", cwd);
  const tokens = tokensOf(script);
  if (typeof tokens === "string") return notSimple(tokens, cwd);
  let at = 0;
  let dir = cwd;
  // `cd $X &&` and `cd &&` are left to plainWords below, which says why.
  while (tokens[at] === "cd" && typeof tokens[at + 1] === "string" && isAnd(tokens[at + 2])) {
    const target = tokens[at + 1] as string;
    if (target === "" || target.startsWith("-")) {
      return notSimple("a cd that is not to one directory", cwd);
    }
    if (dir === undefined && !path.posix.isAbsolute(target)) {
      return notSimple("a relative cd with no working directory to resolve it against", cwd);
    }
    dir = path.posix.resolve(dir ?? "/", target);
    at += 3;
  }
  const words = plainWords(tokens.slice(at));
  if (typeof words === "string") return notSimple(words, cwd);
  const why = commandWordsFault(words);
  return why ? notSimple(why, cwd) : unwrap(words, dir, depth + 1);
}

/** Whether `program` is a shell: a trusted one, one from elsewhere, or not a shell. */
function shellOf(program: string): "trusted" | "untrusted" | "no" {
  if (!SHELLS.has(path.posix.basename(program))) return "no";
  return !program.includes("/") || SHELL_DIRS.has(path.posix.dirname(program))
    ? "trusted"
    : "untrusted";
}

/** The shell-quote tokens of `line`, or why the line cannot be read word for word. */
function tokensOf(line: string): Token[] | string {
  const anywhere = ANYWHERE.exec(line);
  if (anywhere) {
    return anywhere[0] === "`"
      ? "a backtick (command substitution)"
      : "a line break, control character or unusual space";
  }
  try {
    // Each `$` the shell would expand (variable, `$(…)`, `$((…))`) comes back as EXPANSION.
    const tokens = parse(line, () => EXPANSION) as Token[];
    if (tokens.some(isGlob)) return tokens;
    // shell-quote flags an unquoted `*` or `?` as a glob, whatever quotes are around it: the
    // characters the shell also expands unquoted, made `*`, show whether any is unquoted; and a
    // quoted `*` after the line is unquoted if the line leaves a quote open (shell-quote would
    // drop that quote; the shell refuses the line).
    if (hasGlob(line.replace(WHEN_UNQUOTED, "*"))) {
      return "an unquoted [, {, ~ or $'…' the shell could expand";
    }
    if (hasGlob(`${line}"*"`) || hasGlob(`${line}'*'`)) {
      return "an unterminated quote or a trailing backslash";
    }
    return tokens;
  } catch (error) {
    return `unreadable: ${(error as Error).message}`;
  }
}

/** The tokens as words, or why one is not a plain word. */
function plainWords(tokens: Token[]): string[] | string {
  const words: string[] = [];
  for (const token of tokens) {
    if (typeof token === "string") words.push(token);
    else if ("comment" in token) return "a comment (#)";
    else if ("expansion" in token) return "a $ expansion (variable or substitution)";
    else if (token.op === "glob") return "a glob (* or ?)";
    else return `an operator (${token.op})`;
  }
  return words;
}

/** Why words a shell reads as a command are not one program and its arguments, if they are not. */
function commandWordsFault(words: string[]): string | undefined {
  const [first] = words;
  if (first === undefined) return "no command";
  if (ASSIGNMENT.test(first)) return `an environment assignment (${first.split("=")[0]}=…)`;
  if (RESERVED.has(first)) return `a reserved word (${first})`;
  // zsh expands a word that starts with `=` to a program's path.
  if (words.some((word) => word.startsWith("="))) return "a word starting with =";
  return undefined;
}

function isAnd(token: Token | undefined): boolean {
  return typeof token === "object" && "op" in token && token.op === "&&";
}

function hasGlob(line: string): boolean {
  return (parse(line, () => EXPANSION) as Token[]).some(isGlob);
}

function isGlob(token: Token): boolean {
  return typeof token === "object" && "op" in token && token.op === "glob";
}

function notSimple(why: string, cwd: string | undefined): ReadCommand {
  return { simple: false, argv: null, cwd, why };
}
