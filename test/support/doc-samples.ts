import { readFileSync } from "node:fs";
import path from "node:path";

// The code samples of the README and the guides, read from their fences, with what each must
// pass. The convention (summed up in the README's Development section — keep both in step):
//
// - A ```ts / ```typescript / ```js / ```javascript fence is a complete program: it is
//   type-checked against the built package as a user's project would, then run with node against
//   the model stand-in (the real codex binary, no key, no network). It must exit 0.
// - A ```sh / ```bash / ```shell fence: every `npm run <script>`, `npm test` or `npx codex-actors`
//   it names must exist in package.json.
// - An HTML comment right before the fence (only blank lines between: prettier adds one) changes
//   that:
//     <!-- sample: typecheck-only (why it cannot run) -->   type-checked, not run
//     <!-- sample: skip (why it cannot even be checked) -->  neither; keep it rare
//     <!-- sample: jest with <repo file>… -->               a Jest test: type-checked, then run by
//                                                          Jest under the guide's `file` blocks
//     <!-- sample: file <name> -->                         a file of the user project the Jest
//                                                          samples run in (jest.config.js, …)
//   A reason is required for `typecheck-only` and `skip`, and the test lists every sample it did
//   not run with its reason. Lines after the first, up to `-->`, are a hidden prelude prepended
//   to the sample: what the prose around a fragment assumes (`const codex = new Codex()`).
// - Other fences (```json, ```diff, output) are not samples, unless marked `file`.

/** What the test does with a sample. */
export type SampleMode = "run" | "typecheck-only" | "skip" | "jest" | "file" | "shell";

/** One fenced code sample of a document, with its directive. */
export type DocSample = {
  /** The document, relative to the repository (`docs/testing.md`). */
  doc: string;
  /** The 1-based line of the opening fence. */
  line: number;
  /** `README.md:27`: how the test names it. */
  id: string;
  lang: string;
  code: string;
  mode: SampleMode;
  /** Why a sample is `typecheck-only` or `skip` (required there). */
  reason?: string;
  /** Hidden code prepended to the sample (the directive's later lines). */
  prelude: string;
  /** For `file`: its name in the user project. */
  file?: string;
  /** For `jest`: repository files put beside the sample (`examples/pr-bot/pr-bot.ts`). */
  beside: string[];
};

const CODE = new Set(["ts", "typescript", "js", "javascript"]);
const SHELL = new Set(["sh", "bash", "shell"]);
const FENCE = /^```(\S*)\s*$/;
const DIRECTIVE = /^<!--\s*sample:\s*(\S+)\s*(.*?)\s*(-->)?\s*$/;

/** The samples of `doc` (a path relative to `root`); throws on a malformed or misplaced directive. */
export function docSamples(root: string, doc: string): DocSample[] {
  const lines = readFileSync(path.join(root, doc), "utf8").split("\n");
  const samples: DocSample[] = [];
  let pending: { at: number; end: number; head: RegExpExecArray; prelude: string } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const directive = DIRECTIVE.exec(lines[i]!);
    if (directive) {
      let end = i;
      while (!directive[3] && end < lines.length && !lines[end]!.trim().endsWith("-->")) end++;
      const prelude = directive[3] ? "" : lines.slice(i + 1, end).join("\n");
      pending = { at: i + 1, end, head: directive, prelude };
      i = end;
      continue;
    }
    const fence = FENCE.exec(lines[i]!);
    if (!fence) continue;
    const close = lines.findIndex((line, j) => j > i && line.trim() === "```");
    if (close < 0) throw new Error(`${doc}:${i + 1}: a fence that never closes`);
    const directed =
      pending && lines.slice(pending.end + 1, i).every((line) => line.trim() === "")
        ? pending
        : undefined;
    if (pending && !directed)
      throw new Error(`${doc}:${pending.at}: a sample directive not right before a fence`);
    pending = undefined;
    const lang = fence[1]!;
    const sample = makeSample(doc, i + 1, lang, lines.slice(i + 1, close).join("\n"), directed);
    if (sample) samples.push(sample);
    i = close;
  }
  if (pending) throw new Error(`${doc}:${pending.at}: a sample directive not right before a fence`);
  return samples;
}

function makeSample(
  doc: string,
  line: number,
  lang: string,
  code: string,
  directive: { at: number; head: RegExpExecArray; prelude: string } | undefined,
): DocSample | undefined {
  const id = `${doc}:${line}`;
  const base = { doc, line, id, lang, code, prelude: directive?.prelude ?? "", beside: [] };
  if (!directive) {
    if (CODE.has(lang)) return { ...base, mode: "run" };
    if (SHELL.has(lang)) return { ...base, mode: "shell" };
    return undefined;
  }
  const [, mode, rest = ""] = directive.head;
  const reason = /^\((.+)\)$/.exec(rest)?.[1];
  switch (mode) {
    case "run":
      if (!CODE.has(lang)) throw new Error(`${id}: only a ts/js sample can be run`);
      return { ...base, mode };
    case "typecheck-only":
    case "skip":
      if (!reason) throw new Error(`${id}: \`sample: ${mode}\` needs a reason: (why)`);
      if (mode === "typecheck-only" && !CODE.has(lang))
        throw new Error(`${id}: only a ts/js sample can be typecheck-only`);
      return { ...base, mode, reason };
    case "jest":
      return {
        ...base,
        mode,
        beside: rest
          .replace(/^with\s+/, "")
          .split(/\s+/)
          .filter(Boolean),
      };
    case "file":
      if (!rest) throw new Error(`${id}: \`sample: file\` needs the file's name`);
      return { ...base, mode, file: rest };
    default:
      throw new Error(`${id}: unknown sample directive \`${mode}\``);
  }
}

/** What is wrong with a shell sample: npm scripts or bins it names that package.json lacks. */
export function shellProblems(
  code: string,
  pkg: { scripts: Record<string, string>; bin?: Record<string, string>; name: string },
): string[] {
  const problems: string[] = [];
  for (const command of code.split(/\n|&&|;/).map((part) => part.replace(/#.*$/, "").trim())) {
    const words = command.split(/\s+/);
    if (words[0] === "npm" && (words[1] === "run" || words[1] === "run-script")) {
      if (!words[2]) problems.push(`\`${command}\` names no script`);
      else if (!(words[2] in pkg.scripts)) problems.push(`no npm script \`${words[2]}\``);
    } else if (words[0] === "npm" && ["test", "start", "stop", "restart"].includes(words[1]!)) {
      if (!(words[1]! in pkg.scripts)) problems.push(`no npm script \`${words[1]}\``);
    } else if (words[0] === "npx" && words[1] === pkg.name) {
      if (!pkg.bin?.[pkg.name]) problems.push(`package.json has no bin \`${pkg.name}\``);
    }
  }
  return problems;
}
