import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { reply, startModelStandIn } from "../src/testing/index.js";
import { type DocSample, docSamples, shellProblems } from "./support/doc-samples.js";
import { hermeticEnv } from "./support/hermetic-env.js";
import { atTeardown } from "./support/rig-registry.js";
import { runProcess, slug, typecheck, writeRunnable } from "./support/sample-checks.js";
import { type UserProject, userProject } from "./support/user-project.js";
import { scaled } from "./support/deadlines.js";

// Every code sample of README.md and docs/*.md is checked as a user would use it (the convention
// is in test/support/doc-samples.ts and docs/testing.md): type-checked against the built package
// in a user's project, then run on the real binary against the model stand-in; the Jest sample
// runs under the Jest config the guide shows; shell samples name existing npm scripts. A sample
// that is not run is named here with its reason.

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DOCS = [
  "README.md",
  ...readdirSync(path.join(ROOT, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`),
];
const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  name: string;
  scripts: Record<string, string>;
  bin?: Record<string, string>;
};
const samples = DOCS.flatMap((doc) => docSamples(ROOT, doc));
const code = samples.filter((sample) => ["run", "typecheck-only", "jest"].includes(sample.mode));
const typedFiles = samples.filter((sample) => sample.mode === "file" && /\.ts$/.test(sample.file!));
const notRun = samples.filter((sample) => sample.reason);

/** A sample that must fail the type-check: proves a broken sample fails this test. */
const CANARY = `import { Codex } from "codex-actors";\nnew Codex().startThread().run(42);\n`;

let project: UserProject;
let typeErrors: Map<string, string[]>;

beforeAll(async () => {
  project = userProject("doc-samples");
  typeErrors = await typecheck(project, [...code, ...typedFiles], { canary: CANARY });
}, scaled(120_000));

afterAll(() => {
  project?.remove();
  console.log(
    `Doc samples not run (${notRun.length}):\n` +
      notRun.map((sample) => `  ${sample.id} ${sample.mode}: ${sample.reason}`).join("\n"),
  );
});

describe("the samples of README.md and docs/*.md", () => {
  it("are found (every document has its fences read)", () => {
    expect(code.length).toBeGreaterThanOrEqual(15);
    expect(new Set(samples.map((sample) => sample.doc))).toEqual(
      new Set([
        "README.md",
        "docs/app-server.md",
        "docs/distributed.md",
        "docs/observability.md",
        "docs/supervision.md",
        "docs/testing.md",
        "docs/tools.md",
      ]),
    );
  });

  it("the type-check fails on a broken sample", () => {
    expect(typeErrors.get("canary")).toEqual([
      expect.stringMatching(/^canary: error TS2345: Argument of type 'number'/),
    ]);
  });

  it.each(code.map((sample) => [sample.id, sample] as const))("%s type-checks", (_, sample) => {
    expect(typeErrors.get(sample.id) ?? []).toEqual([]);
  });

  it.each(typedFiles.map((sample) => [sample.id, sample.file] as const))(
    "%s (the file %s) type-checks",
    (id) => expect(typeErrors.get(id) ?? []).toEqual([]),
  );

  const run = samples.filter((sample) => sample.mode === "run");
  it.each(run.map((sample) => [sample.id, sample] as const))(
    "%s runs against the stand-in and exits 0",
    async (_, sample) => {
      const ran = await runSample(sample);
      const ended = ran.code === 0 ? "exit 0" : `exit ${ran.code ?? ran.signal}:\n${ran.stderr}`;
      expect(ended).toBe("exit 0");
    },
    90_000,
  );

  const jest = samples.filter((sample) => sample.mode === "jest");
  it.each(jest.map((sample) => [sample.id, sample] as const))(
    "%s passes under Jest, with the package.json, jest.config.js and tsconfig.json its guide shows",
    async (_, sample) => {
      const ran = await runJestSample(sample);
      expect({ code: ran.code, output: ran.stderr.slice(-4000) }).toMatchObject({ code: 0 });
      expect(ran.stderr).toMatch(/Tests:\s+\d+ passed, \d+ total/);
    },
    300_000,
  );

  const shell = samples.filter((sample) => sample.mode === "shell");
  it.each(shell.map((sample) => [sample.id, sample] as const))(
    "%s names only npm scripts that exist",
    (_, sample) => expect(shellProblems(sample.code, pkg)).toEqual([]),
  );
  it("a shell sample naming a missing script fails", () => {
    expect(shellProblems("npm install && npm run dmeo", pkg)).toEqual(["no npm script `dmeo`"]);
  });

  it.each(notRun.map((sample) => [sample.id, sample.mode, sample.reason] as const))(
    "%s is %s: %s",
    (_, mode, reason) => {
      expect(["typecheck-only", "skip"]).toContain(mode);
      expect(reason!.length).toBeGreaterThan(10);
    },
  );
});

describe("the sample convention", () => {
  /** The samples of a document made of `lines`. */
  const parse = (...lines: string[]) => {
    const dir = mkdtempSync(path.join(tmpdir(), "codex-actors-doc-"));
    atTeardown("the folder", () => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(path.join(dir, "doc.md"), lines.join("\n"));
    return docSamples(dir, "doc.md");
  };

  it("a directive gives the mode, the reason and a hidden prelude", () => {
    const [sample] = parse(
      "<!-- sample: typecheck-only (why)",
      "const a = 1;",
      "-->",
      "",
      "```ts",
      "a;",
      "```",
    );
    expect(sample).toMatchObject({
      mode: "typecheck-only",
      reason: "why",
      prelude: "const a = 1;",
      code: "a;",
      line: 5,
    });
    expect(parse("```ts", "1;", "```", "```json", "{}", "```")).toMatchObject([{ mode: "run" }]);
  });

  it("refuses a skip without a reason, a misplaced directive, an unknown one", () => {
    expect(() => parse("<!-- sample: skip -->", "```ts", "```")).toThrow("needs a reason");
    expect(() => parse("<!-- sample: skip (x) -->", "text", "```ts", "```")).toThrow(
      "not right before a fence",
    );
    expect(() => parse("<!-- sample: skpi (x) -->", "```ts", "```")).toThrow(
      "unknown sample directive",
    );
  });
});

/** Runs a sample with node, in a git repository, in the environment of a fresh stand-in. */
async function runSample(sample: DocSample) {
  const standIn = await startModelStandIn([], {
    env: hermeticEnv(),
    fallback: reply.message("Done."),
  });
  atTeardown("the stand-in", () => standIn.close());
  execFileSync("git", ["init", "--quiet"], { cwd: standIn.workdir });
  const file = writeRunnable(project, sample);
  return runProcess(process.execPath, [file], {
    cwd: standIn.workdir,
    env: standIn.env,
    limitMs: 80_000,
  });
}

/** Runs a Jest sample by `npm test` in a project made of its guide's `file` blocks. */
async function runJestSample(sample: DocSample) {
  const dir = `jest-${slug(sample)}`;
  for (const file of samples.filter((s) => s.doc === sample.doc && s.mode === "file"))
    project.write(`${dir}/${file.file}`, `${file.code}\n`);
  project.write(`${dir}/${slug(sample)}.test.ts`, `${sample.prelude}\n${sample.code}\n`);
  for (const file of sample.beside)
    copyFileSync(path.join(ROOT, file), path.join(project.dir, dir, path.basename(file)));
  const home = path.join(project.dir, `${dir}-home`);
  project.write(`${dir}-home/.keep`, "");
  return runProcess("npm", ["test", "--silent"], {
    cwd: path.join(project.dir, dir),
    env: hermeticEnv({ HOME: home, NO_COLOR: "1" }),
    limitMs: 280_000,
  });
}
