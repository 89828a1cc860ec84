import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { ROOT, packedProject } from "./support/packed-project.js";
import { scaled } from "./support/deadlines.js";

// The public surface of the installed package: what each entry exports, at run time and in its
// declarations (one file per entry), and a user's TypeScript project type-checked against them
// with skipLibCheck off, through the package's `exports`.

const ENTRIES = [
  "codex-actors",
  "codex-actors/machines",
  "codex-actors/otel",
  "codex-actors/testing",
  "codex-actors/bullmq",
];
const DECLARATIONS = [
  "index.d.ts",
  "machines.d.ts",
  "otel.d.ts",
  "testing/index.d.ts",
  "bullmq.d.ts",
];
/** What moved from the main entry to `codex-actors/machines`: values, then types. */
const MOVED_VALUES = [
  "createCodexMachine",
  "createThreadMachine",
  "codexMachine",
  "threadMachine",
  "execTransport",
  "execMachine",
  "JsonlParser",
  "DEFAULT_POLICY",
];
const MOVED_TYPES = [
  "Transport",
  "AttemptOutcome",
  "AttemptView",
  "AttemptAbortEvent",
  "ThreadContext",
  "CodexContext",
  "ExecOutcome",
  "ExecContext",
  "ParsedChunk",
  "ResolvedPolicy",
];

/**
 * A user's module: every entry, the kit given the main entry's `Codex`, the machines' types given
 * the main entry's actor refs, and the internals refused by the main entry.
 */
const CONSUMER = `
import { createActor } from "xstate";
import { Codex, CodexError, ProtocolError, type CodexActorRef, type CodexTreeSnapshot,
  type ServiceTreeSnapshot, type ListThreadsOptions, type TurnMessage, CHANNEL_NAMES } from "codex-actors";
import { codexMachine, createCodexMachine, execTransport, JsonlParser, DEFAULT_POLICY,
  type CodexContext, type ThreadContext, type ThreadActorRef } from "codex-actors/machines";
import { instrumentCodexActors } from "codex-actors/otel";
import { turnPaths, type TurnPathRun } from "codex-actors/testing";
import { Codex as QueueCodex, startWorker, TurnLostError, type QueueWorker, type Thread as QueueThread }
  from "codex-actors/bullmq";

const codex = new Codex();
// The kit's Codex is the main entry's (a class with private members: nominal), both ways.
export const onPath = (run: TurnPathRun): TurnPathRun => ({ ...run, codex });
export const fromPath = (run: TurnPathRun): Codex => run.codex;
export const paths = turnPaths();
// The machines' types are those of the main entry's actor refs, errors included.
export const rootContext: CodexContext = codex.actor.getSnapshot().context;
const threadRef: ThreadActorRef = codex.startThread().actor;
export const threadContext: ThreadContext = threadRef.getSnapshot().context;
export const failures: CodexError[] = threadContext.failures;
export const parsed: ProtocolError | undefined = new JsonlParser().push("{").error;
export const ref: CodexActorRef = createActor(createCodexMachine(execTransport), {
  input: { maxConcurrentTurns: 1, clock: { now: () => 0, random: () => 0 } },
});
export const same: typeof codexMachine = createCodexMachine(execTransport);
export const views: [CodexTreeSnapshot, ServiceTreeSnapshot | null] = [codex.getSnapshot(), null];
export const options: ListThreadsOptions = {};
export const channel: string = CHANNEL_NAMES.turn;
export type Message = TurnMessage;
export const restarts: number = DEFAULT_POLICY.maxRestarts;
export const instrumented = instrumentCodexActors;
// A worker's local Codex is the main entry's; a distributed thread's turn is the main entry's Turn.
export const workerCodex = (worker: QueueWorker): Codex => worker.codex;
const queue = { connection: { host: "127.0.0.1", port: 6379 }, name: "turns" };
export const queued: QueueThread = new QueueCodex({ queue }).startThread();
export const turn: Promise<import("codex-actors").Turn> = queued.run("hi");
export const started = startWorker({ ...queue, codex: { transport: "app-server" } });
export const lost: Error = new TurnLostError("t", "gone");
// @ts-expect-error: codex options are the workers', not the producer's
new QueueCodex({ queue, apiKey: "k" });
// @ts-expect-error: the machines are not on the main entry
import { createCodexMachine as notOnMain } from "codex-actors";
export { notOnMain };
`;

/**
 * A user's calls of the app-server-only methods: one per line, on an exec `Codex` (type errors),
 * on an app-server one and on one whose transport is known only at run time (both accepted).
 */
const APP_SERVER_ONLY = `
import { Codex, type Thread, type TransportName } from "codex-actors";
const exec = new Codex();
const thread = exec.startThread();
export const onExec = [
  exec.listThreads(),
  exec.models(),
  exec.account(),
  exec.rateLimits(),
  exec.mcpServers(),
  thread.fork(),
  thread.archive(),
  thread.unarchive(),
  thread.setName("n"),
  thread.delete(),
];
const server = new Codex({ transport: "app-server" });
const named = server.startThread();
export const forked: Promise<Thread<"app-server">> = named.fork();
export const onServer = [server.listThreads({ limit: 1 }), server.models(), server.account(),
  server.rateLimits(), server.mcpServers(), named.archive(), named.unarchive(), named.setName("n"),
  named.delete()];
declare const either: Codex<TransportName>;
export const onEither = [either.listThreads(), either.startThread().setName("n")];
// A Codex typed by the official SDK's options is still a \`Codex\`.
export const asDefault: Codex = new Codex({});
`;

let project: { dir: string; remove: () => void };

beforeAll(() => {
  project = packedProject("surface", [
    "xstate",
    "@openai/codex",
    "@types/node",
    "@opentelemetry/api",
    "bullmq",
    "ioredis",
  ]);
  writeFileSync(path.join(project.dir, "consumer.mts"), CONSUMER);
  writeFileSync(path.join(project.dir, "app-server-only.mts"), APP_SERVER_ONLY);
});

afterAll(() => project.remove());

/** Each entry's run-time exports, as the installed package gives them to Node. */
function runtimeExports(): Record<string, string[]> {
  const script = [
    `const entries = ${JSON.stringify(ENTRIES)};`,
    "const out = {};",
    "for (const entry of entries) out[entry] = Object.keys(await import(entry)).sort();",
    'const { ProtocolError } = await import("codex-actors");',
    'const { JsonlParser } = await import("codex-actors/machines");',
    'out.sameErrors = [new JsonlParser().push("{\\n").error instanceof ProtocolError];',
    "console.log(JSON.stringify(out));",
  ].join("\n");
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: project.dir,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "" },
  });
  return JSON.parse(out.trim().split("\n").at(-1)!) as Record<string, string[]>;
}

/** Type-checks `file` under `resolution`, skipLibCheck off; its errors and the checker. */
function typecheck(resolution: "NodeNext" | "Bundler", file = "consumer.mts") {
  const program = ts.createProgram([path.join(project.dir, file)], {
    module: resolution === "Bundler" ? ts.ModuleKind.ESNext : ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind[resolution],
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2023.d.ts"],
    types: ["node"],
    strict: true,
    skipLibCheck: false,
    noEmit: true,
  });
  const diagnostics = ts.getPreEmitDiagnostics(program);
  const errors = diagnostics.map(
    (d) => `${d.file?.fileName ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`,
  );
  return { program, errors, diagnostics };
}

/** The names `entry` exports in its declarations, as `checker` resolves them: values and types. */
function declaredExports(program: ts.Program, entry: string) {
  const checker = program.getTypeChecker();
  const consumer = program.getSourceFile(path.join(project.dir, "consumer.mts"))!;
  const specifier = consumer.statements
    .filter(ts.isImportDeclaration)
    .map((statement) => statement.moduleSpecifier)
    .find((node) => ts.isStringLiteral(node) && node.text === entry)!;
  const exported = checker.getExportsOfModule(checker.getSymbolAtLocation(specifier)!);
  const resolved = (symbol: ts.Symbol) =>
    symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  return {
    all: exported.map((symbol) => symbol.name).sort(),
    values: exported
      .filter((symbol) => resolved(symbol).flags & ts.SymbolFlags.Value)
      .map((symbol) => symbol.name)
      .sort(),
  };
}

/** Every `.d.ts` under `dir`, relative to it. */
function declarationFiles(dir: string, under = ""): string[] {
  return readdirSync(path.join(dir, under), { withFileTypes: true }).flatMap((entry) => {
    const name = path.posix.join(under, entry.name);
    if (entry.isDirectory()) return declarationFiles(dir, name);
    return name.endsWith(".d.ts") ? [name] : [];
  });
}

describe("the public surface of the installed package", () => {
  it("has one declaration file per entry, and no other", () => {
    expect(declarationFiles(path.join(ROOT, "dist")).sort()).toEqual([...DECLARATIONS].sort());
    const installed = path.join(project.dir, "node_modules/codex-actors/dist");
    expect(declarationFiles(installed).sort()).toEqual([...DECLARATIONS].sort());
  });

  it("declares each class in one entry's file only: the others import it from there", () => {
    const classes = DECLARATIONS.flatMap((file) =>
      [
        ...readFileSync(path.join(ROOT, "dist", file), "utf8").matchAll(
          /^(?:export )?declare (?:abstract )?class (\w+?)(?:\$\d+)?\b/gm,
        ),
      ].map((match) => `${match[1]} (${file})`),
    );
    // The distributed producer's Codex and Thread are classes of their own, named as the
    // official API names them (a drop-in); the main entry's are imported, never redeclared.
    const OWN = ["Codex (bullmq.d.ts)", "Thread (bullmq.d.ts)"];
    const shared = classes.filter((entry) => !OWN.includes(entry));
    const names = shared.map((entry) => entry.split(" ")[0]);
    expect(shared.filter((_, i) => names.indexOf(names[i]) !== i)).toEqual([]);
    expect(classes).toEqual(
      expect.arrayContaining(["Codex (index.d.ts)", "CodexError (index.d.ts)", ...OWN]),
    );
    const bullmq = readFileSync(path.join(ROOT, "dist/bullmq.d.ts"), "utf8");
    expect(bullmq).toMatch(/^import \{[^}]*\bCodex as Codex\$1\b[^}]*\} from '\.\/index\.js';$/m);
  });

  it(
    "keeps the machines off the main entry at run time: they are codex-actors/machines', whose errors are the main entry's",
    () => {
      const exported = runtimeExports();
      expect(exported["codex-actors"]!.filter((name) => MOVED_VALUES.includes(name))).toEqual([]);
      expect(exported["codex-actors/machines"]).toEqual(expect.arrayContaining(MOVED_VALUES));
      expect(exported.sameErrors).toEqual([true]);
    },
    scaled(30_000),
  );

  it.each(["NodeNext", "Bundler"] as const)(
    "type-checks a user's project on every entry (moduleResolution %s, skipLibCheck off): one Codex class, one set of machine types",
    (resolution) => {
      const { program, errors } = typecheck(resolution);
      expect(errors).toEqual([]);
      const main = declaredExports(program, "codex-actors").all;
      expect(main.filter((name) => [...MOVED_VALUES, ...MOVED_TYPES].includes(name))).toEqual([]);
      expect(declaredExports(program, "codex-actors/machines").all).toEqual(
        expect.arrayContaining([...MOVED_VALUES, ...MOVED_TYPES]),
      );
    },
    scaled(120_000),
  );

  it(
    "declares as values exactly what each entry exports at run time",
    () => {
      const { program } = typecheck("NodeNext");
      const exported = runtimeExports();
      for (const entry of ENTRIES)
        expect({ entry, values: declaredExports(program, entry).values }).toEqual({
          entry,
          values: exported[entry],
        });
    },
    scaled(120_000),
  );

  it(
    "makes the app-server-only methods type errors on an exec Codex and its threads, and only there",
    () => {
      const { diagnostics } = typecheck("NodeNext", "app-server-only.mts");
      const lines = APP_SERVER_ONLY.split("\n");
      const erring = diagnostics.map((d) => ({
        line: lines[d.file!.getLineAndCharacterOfPosition(d.start!).line]!.trim(),
        says: ts.flattenDiagnosticMessageText(d.messageText, "\n").split("\n")[0],
      }));
      const execCalls = lines.slice(lines.indexOf("export const onExec = [") + 1).slice(0, 10);
      expect(erring.map((error) => error.line)).toEqual(execCalls.map((line) => line.trim()));
      for (const error of erring) expect(error.says).toContain('"needs transport": "app-server"');
    },
    scaled(120_000),
  );
});
