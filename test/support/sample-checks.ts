import { execFile, spawn } from "node:child_process";
import { copyFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import ts from "typescript";
import type { DocSample } from "./doc-samples.js";
import { atTeardown } from "./rig-registry.js";
import type { UserProject } from "./user-project.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TSC = path.join(ROOT, "node_modules/typescript/bin/tsc");

/** A user's tsconfig: strict, Node's own ESM resolution (so `exports` and top-level await). */
export const USER_TSCONFIG = {
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ["node"],
  },
  include: ["*.ts"],
};

/** The name of a sample's file in the project: `docs-testing-md-97`. */
export const slug = (sample: DocSample) =>
  `${sample.doc.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}-${sample.line}`;

/** The sample as a module: its prelude, its code, and `export {}` so every file is a module. */
const moduleText = (sample: DocSample) =>
  `${sample.prelude ? `${sample.prelude}\n` : ""}${sample.code}\nexport {};\n`;

/**
 * Type-checks `samples` (and `extra` files, `name → text`) in `project`'s `samples/` folder with
 * one `tsc` run; returns each sample's errors, as `README.md:30: error TS2304: …`, by id.
 */
export async function typecheck(
  project: UserProject,
  samples: DocSample[],
  extra: Record<string, string> = {},
): Promise<Map<string, string[]>> {
  const bySlug = new Map(samples.map((sample) => [slug(sample), sample]));
  project.write("samples/tsconfig.json", JSON.stringify(USER_TSCONFIG, null, 2));
  for (const sample of samples) {
    project.write(`samples/${slug(sample)}.ts`, moduleText(sample));
    for (const file of sample.beside)
      copyFileSync(path.join(ROOT, file), path.join(project.dir, "samples", path.basename(file)));
  }
  for (const [name, text] of Object.entries(extra)) project.write(`samples/${name}.ts`, text);
  const output = await promisify(execFile)(
    process.execPath,
    [TSC, "-p", "samples/tsconfig.json", "--pretty", "false"],
    { cwd: project.dir },
  ).then(
    ({ stdout }) => stdout,
    (error: { stdout?: string }) => error.stdout ?? String(error),
  );
  const errors = new Map<string, string[]>();
  for (const line of output.split("\n")) {
    const at = /^samples\/([^(]+)\.ts\((\d+),\d+\): (.*)$/.exec(line);
    if (!at) continue;
    const sample = bySlug.get(at[1]!);
    const preludeLines = sample?.prelude ? sample.prelude.split("\n").length : 0;
    const where = !sample
      ? at[1]!
      : Number(at[2]) <= preludeLines
        ? `${sample.id} (its prelude)`
        : `${sample.doc}:${sample.line + Number(at[2]) - preludeLines}`;
    const key = sample?.id ?? at[1]!;
    errors.set(key, [...(errors.get(key) ?? []), `${where}: ${at[3]}`]);
  }
  return errors;
}

/** What a child process did. */
export type Ran = { code: number | null; signal: string | null; stdout: string; stderr: string };

/** Runs `command` in `cwd` with `env`, killed (its whole group) after `limitMs` or at teardown. */
export function runProcess(
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string>; limitMs: number },
): Promise<Ran> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const kill = () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // gone already
    }
  };
  atTeardown(`${command} ${args.join(" ")}`, kill);
  const limit = setTimeout(kill, options.limitMs);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) =>
    child.on("close", (code, signal) => {
      clearTimeout(limit);
      resolve({ code, signal, stdout, stderr });
    }),
  );
}

/** Writes the sample as plain JavaScript (`samples/<slug>.mjs`) and returns its path. */
export function writeRunnable(project: UserProject, sample: DocSample): string {
  const { outputText } = ts.transpileModule(moduleText(sample), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  return project.write(`samples/${slug(sample)}.mjs`, outputText);
}
