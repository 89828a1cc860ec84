import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { execFile, execFileSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import ts from "typescript";
import {
  message,
  ModelStandIn,
  reply,
  responseFailed,
  standInConfig,
} from "../src/model-stand-in/index.js";
import { scaled } from "./support/deadlines.js";
import { startRedis } from "./support/redis.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const USER_SCRIPT = fileURLToPath(new URL("./fixtures/package-user.mjs", import.meta.url));
const OTEL_USER_SCRIPT = fileURLToPath(new URL("./fixtures/otel-user.mjs", import.meta.url));
const MOCK_CODEX = fileURLToPath(new URL("../src/testing/mock-codex.mjs", import.meta.url));
const KIT_USER_SCRIPT = fileURLToPath(new URL("./fixtures/package-kit-user.mjs", import.meta.url));
const BULLMQ_USER_SCRIPT = fileURLToPath(new URL("./fixtures/bullmq-user.mjs", import.meta.url));
const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  exports: Record<string, unknown>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};

/** The files `npm pack` would publish, as paths inside the package. */
function packedFiles(): string[] {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  return (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((file) => file.path);
}

let project: string;
let files: string[];

/** A user's project: the packed files in node_modules/codex-actors, plus its declared dependencies only. */
beforeAll(() => {
  files = packedFiles();
  project = mkdtempSync(path.join(tmpdir(), "codex-actors-package-"));
  const installed = path.join(project, "node_modules", "codex-actors");
  for (const file of files) {
    mkdirSync(path.dirname(path.join(installed, file)), { recursive: true });
    copyFileSync(path.join(ROOT, file), path.join(installed, file));
  }
  const otel = ["@opentelemetry/api", "@opentelemetry/sdk-trace-base"];
  const queue = ["bullmq", "ioredis"];
  const linked = [
    ...Object.keys(pkg.dependencies),
    "@openai/codex-sdk",
    "@types/node",
    ...otel,
    ...queue,
  ];
  for (const name of linked) {
    mkdirSync(path.dirname(path.join(project, "node_modules", name)), { recursive: true });
    symlinkSync(path.join(ROOT, "node_modules", name), path.join(project, "node_modules", name));
  }
  copyFileSync(USER_SCRIPT, path.join(project, "user.mjs"));
  copyFileSync(OTEL_USER_SCRIPT, path.join(project, "otel-user.mjs"));
  copyFileSync(KIT_USER_SCRIPT, path.join(project, "kit-user.mjs"));
  copyFileSync(BULLMQ_USER_SCRIPT, path.join(project, "bullmq-user.mjs"));
  const manifest = { name: "user-project", private: true, type: "module" };
  writeFileSync(path.join(project, "package.json"), JSON.stringify(manifest));
});

afterAll(() => rmSync(project, { recursive: true, force: true }));

describe("the published package", () => {
  it("ships the bundles, their on-demand ajv, their folder link, one declaration file per entry and the docs, nothing else", () => {
    const unexpected = files.filter(
      (file) =>
        ![
          "dist/index.js",
          "dist/index.d.ts",
          "dist/machines.js",
          "dist/machines.d.ts",
          "dist/otel.js",
          "dist/otel.d.ts",
          "dist/bullmq.js",
          "dist/bullmq.d.ts",
          "dist/ajv.cjs",
          "dist/package-files.cjs",
          "dist/devtools.js",
          "dist/tools.js",
          "dist/devtools-page.js",
          "dist/devtools-page.css",
          "dist/testing/index.js",
          "dist/testing/index.d.ts",
          "dist/testing/mock-codex.mjs",
          "dist/THIRD_PARTY_LICENSES.md",
          "package.json",
          "README.md",
          "CHANGELOG.md",
          "LICENSE",
        ].includes(file),
    );
    expect(unexpected).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(["dist/index.js", "dist/index.d.ts"]));
    expect(files).toEqual(expect.arrayContaining(["dist/testing/index.d.ts"]));
    // The stand-in ships inside the testing kit (its declarations in the kit's), never on its own.
    expect(
      files.filter((file) => /demo|\.map$/.test(file) || /model-stand-in\/.*\.js$/.test(file)),
    ).toEqual([]);
    expect(readFileSync(path.join(ROOT, "dist/index.js"), "utf8")).not.toContain(
      "sourceMappingURL",
    );
  });

  it("imports only Node built-ins, xstate and its own ajv file at run time", () => {
    const specifiersIn = (file: string) =>
      new Set(
        [
          ...readFileSync(path.join(ROOT, "dist", file), "utf8").matchAll(
            /(?:^|\n)import\s[^;]*?from\s*"([^"]+)"|require\("([^"]+)"\)/g,
          ),
        ].map((match) => match[1] ?? match[2]),
      );
    const packages = (file: string) =>
      [...specifiersIn(file)].filter(
        (s) => !s!.startsWith("node:") && !s!.startsWith(".") && !builtinModules.includes(s!),
      );
    // The bundle takes xstate (and ajv, on demand) through its link to its folder.
    expect(packages("index.js")).toEqual([]);
    expect([...specifiersIn("index.js")].filter((s) => s!.startsWith("."))).toEqual([
      "./package-files.cjs",
    ]);
    expect(packages("package-files.cjs")).toEqual(["xstate"]);
    expect([...specifiersIn("package-files.cjs")].filter((s) => s!.startsWith("."))).toEqual([
      "./ajv.cjs",
    ]);
    expect(Object.keys(pkg.dependencies).sort()).toEqual(["@openai/codex", "xstate"]);
  });

  it("keeps the devtools out of the main bundle: a file of their own, loaded by codex.devtools()", async () => {
    const bundle = readFileSync(path.join(ROOT, "dist/index.js"), "utf8");
    for (const part of ["text/event-stream", "codex-actors-token", "preact", "devtools-page"])
      expect(bundle).not.toContain(part);
    expect(bundle).toContain('import("./devtools.js")');
    const devtools = readFileSync(path.join(ROOT, "dist/devtools.js"), "utf8");
    const imported = [...devtools.matchAll(/(?:^|\n)import\s[^;]*?from\s*"([^"]+)"/g)].map(
      (match) => match[1]!,
    );
    expect(imported.filter((s) => !s.startsWith("node:"))).toEqual(["./package-files.cjs"]);
    const script = [
      'import { Codex } from "codex-actors";',
      "const codex = new Codex();",
      "const { url } = await codex.devtools();",
      "const page = await fetch(url).then((r) => r.text());",
      'const js = await fetch(new URL("/page.js" + new URL(url).search, url)).then((r) => r.status);',
      "await codex.shutdown();",
      'console.log(JSON.stringify({ page: page.includes("codex-actors devtools"), js }));',
    ].join("\n");
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--input-type=module", "-e", script],
      { cwd: project, env: { PATH: process.env.PATH ?? "" } },
    );
    expect(JSON.parse(stdout)).toEqual({ page: true, js: 200 });
  });

  it("keeps the tool server out of the main bundle: a file of its own importing the user's @modelcontextprotocol/sdk, loaded by the first turn with tools (a specifier bundlers do not follow); without that package, the turn rejects ToolServerError", async () => {
    const bundle = readFileSync(path.join(ROOT, "dist/index.js"), "utf8");
    // Loaded by a specifier made at run time: a bundler inlining the library does not follow it.
    expect(bundle).toContain('libraryFile("tools.js")');
    expect(bundle).not.toContain('import("./tools.js")');
    expect(bundle).not.toMatch(/from\s*"@modelcontextprotocol/);
    const server = readFileSync(path.join(ROOT, "dist/tools.js"), "utf8");
    const imported = [
      ...new Set([...server.matchAll(/(?:^|\n)import\s[^;]*?from\s*"([^"]+)"/g)].map((m) => m[1]!)),
    ];
    expect(
      imported
        .filter((s) => !s.startsWith("node:"))
        .every((s) => s.startsWith("@modelcontextprotocol/sdk/")),
    ).toBe(true);
    const script = [
      'import { Codex, tool } from "codex-actors";',
      `const codex = new Codex({ codexPathOverride: ${JSON.stringify(MOCK_CODEX)} });`,
      'const noted = tool({ name: "note", description: "Notes.", inputSchema: {}, handler: () => "ok" });',
      'const error = await codex.startThread({ tools: [noted] }).run("hi").catch((e) => e);',
      "await codex.shutdown();",
      "console.log(JSON.stringify({ name: error.name, kind: error.kind, says: error.message }));",
    ].join("\n");
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--input-type=module", "-e", script],
      { cwd: project, env: { PATH: process.env.PATH ?? "" } },
    );
    expect(JSON.parse(stdout)).toEqual({
      name: "ToolServerError",
      kind: "tool_server",
      says: expect.stringContaining("npm install @modelcontextprotocol/sdk"),
    });
  });

  it("ships codex-actors/otel as a bundle of its own that imports only Node built-ins and the user's @opentelemetry/api, which the main bundle never loads", () => {
    const otel = readFileSync(path.join(ROOT, "dist/otel.js"), "utf8");
    const imported = [
      ...new Set([...otel.matchAll(/(?:^|\n)import\s[^;]*?from\s*"([^"]+)"/g)].map((m) => m[1])),
    ];
    expect(imported.filter((s) => !s!.startsWith("node:")).sort()).toEqual(["@opentelemetry/api"]);
    expect(readFileSync(path.join(ROOT, "dist/index.js"), "utf8")).not.toContain("@opentelemetry");
    expect(files).toEqual(expect.arrayContaining(["dist/otel.js", "dist/otel.d.ts"]));
  });

  it(
    "codex-actors/otel, installed as users get it, makes a codex.turn span with a codex.attempt child",
    async () => {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ["otel-user.mjs", MOCK_CODEX],
        {
          cwd: project,
          env: { PATH: process.env.PATH ?? "" },
        },
      );
      expect(JSON.parse(stdout.trim().split("\n").at(-1)!)).toEqual([
        ["codex.attempt", "codex.turn"],
        ["codex.turn", null],
      ]);
    },
    scaled(60_000),
  );

  it("keeps the testing kit out of the main entry: its own bundle, taking the library from it", () => {
    const main = readFileSync(path.join(ROOT, "dist/index.js"), "utf8");
    for (const kitOnly of ["startModelStandIn", "mock-codex", "text/event-stream", "testing/"])
      expect({ kitOnly, inMainBundle: main.includes(kitOnly) }).toEqual({
        kitOnly,
        inMainBundle: false,
      });
    const kit = readFileSync(path.join(ROOT, "dist/testing/index.js"), "utf8");
    const specifiers = new Set(
      [...kit.matchAll(/(?:^|\n)import\s[^;]*?from\s*"([^"]+)"/g)].map((match) => match[1]!),
    );
    const outside = [...specifiers].filter(
      (s) => !s.startsWith("node:") && !builtinModules.includes(s),
    );
    expect(outside.sort()).toEqual([
      "../index.js",
      "../package-files.cjs",
      "xstate",
      "xstate/graph",
    ]);
    // The library's classes come from the main bundle, so `instanceof` holds for the user.
    expect(kit).not.toMatch(/class (Codex|CodexError|RestartLimitError|Thread)\b/);
    expect(pkg.exports["./testing"]).toEqual({
      types: "./dist/testing/index.d.ts",
      import: "./dist/testing/index.js",
      default: "./dist/testing/index.js",
    });
  });

  it("ships codex-actors/machines as a bundle of its own, taking the library's public modules from the main bundle", () => {
    const machines = readFileSync(path.join(ROOT, "dist/machines.js"), "utf8");
    const specifiers = new Set(
      [...machines.matchAll(/(?:^|\n)import\s[^;]*?from\s*"([^"]+)"/g)].map((match) => match[1]!),
    );
    expect([...specifiers].filter((s) => !s.startsWith("node:")).sort()).toEqual([
      "./index.js",
      "./package-files.cjs",
    ]);
    // Its errors are the main bundle's, so `instanceof` holds for the user.
    expect(machines).not.toMatch(/class (Codex|CodexError|ProtocolError|ShutdownError|Thread)\b/);
    expect(readFileSync(path.join(ROOT, "dist/index.js"), "utf8")).not.toContain("machines.js");
    expect(pkg.exports["./machines"]).toEqual({
      types: "./dist/machines.d.ts",
      import: "./dist/machines.js",
      default: "./dist/machines.js",
    });
  });

  it("ships codex-actors/bullmq as a bundle of its own on the user's bullmq and ioredis (optional peers), which the main bundle never loads", () => {
    const bullmq = readFileSync(path.join(ROOT, "dist/bullmq.js"), "utf8");
    const specifiers = new Set(
      [...bullmq.matchAll(/(?:^|\n)import\s[^;]*?from\s*"([^"]+)"/g)].map((match) => match[1]!),
    );
    expect([...specifiers].filter((s) => !s.startsWith("node:")).sort()).toEqual([
      "./index.js",
      "./package-files.cjs",
      "bullmq",
      "ioredis",
    ]);
    // Its Codex and errors are the main bundle's, so `instanceof` holds for the user.
    expect(bullmq).not.toMatch(/class (Codex|CodexError|TurnFailedError)\b/);
    const main = readFileSync(path.join(ROOT, "dist/index.js"), "utf8");
    for (const name of ["bullmq", "ioredis", "bullmq.js"]) expect(main).not.toContain(name);
    expect(files).toEqual(expect.arrayContaining(["dist/bullmq.js", "dist/bullmq.d.ts"]));
    expect(pkg.exports["./bullmq"]).toEqual({
      types: "./dist/bullmq.d.ts",
      import: "./dist/bullmq.js",
      default: "./dist/bullmq.js",
    });
    for (const peer of ["bullmq", "ioredis"]) {
      expect(pkg.peerDependencies[peer]).toBeDefined();
      expect(pkg.peerDependenciesMeta[peer]).toEqual({ optional: true });
    }
  });

  it(
    "runs a turn through codex-actors/bullmq and a real Redis, installed as users get it, and rebuilds a worker's failure as the main entry's class",
    async () => {
      const redis = await startRedis();
      const standIn = await ModelStandIn.start([
        reply(message("Queued and done.")),
        responseFailed("invalid_prompt", "flagged"),
      ]);
      const codexHome = path.join(project, "queue-home");
      const workdir = path.join(project, "queue-work");
      for (const dir of [codexHome, workdir]) mkdirSync(dir, { recursive: true });
      try {
        const { stdout } = await promisify(execFile)(
          process.execPath,
          [
            "bullmq-user.mjs",
            String(redis.port),
            JSON.stringify(standInConfig(standIn.url)),
            codexHome,
            workdir,
          ],
          { cwd: project, env: { PATH: process.env.PATH ?? "" } },
        );
        expect(JSON.parse(stdout.trim().split("\n").at(-1)!)).toEqual({
          finalResponse: "Queued and done.",
          threadId: "string",
          failedWith: "TurnFailedError",
        });
      } finally {
        await standIn.close();
      }
    },
    scaled(60_000),
  );

  it(
    "runs a user's test on codex-actors/testing from the installed package, leaving nothing behind",
    async () => {
      const { stdout } = await promisify(execFile)(process.execPath, ["kit-user.mjs"], {
        cwd: project,
        env: { PATH: process.env.PATH ?? "" },
      });
      expect(JSON.parse(stdout.trim().split("\n").at(-1)!)).toEqual({
        finalResponse: "Hello from the stand-in.",
        requests: 1,
        crashed: "CodexExitError",
      });
    },
    scaled(60_000),
  );

  it(
    "runs the official quickstart and a structured turn on the real binary, installed as users get it",
    async () => {
      const standIn = await ModelStandIn.start([
        reply(message("Here is the diagnosis.")),
        reply(message("Fixed.")),
        reply(message("Fixed again.")),
        reply(message('{"answer":42}')),
        reply(message("Served.")),
      ]);
      const codexHome = path.join(project, "home");
      const workdir = path.join(project, "work");
      for (const dir of [codexHome, workdir]) mkdirSync(dir, { recursive: true });
      try {
        const { stdout } = await promisify(execFile)(
          process.execPath,
          ["user.mjs", JSON.stringify(standInConfig(standIn.url)), codexHome, workdir],
          { cwd: project, env: { PATH: process.env.PATH ?? "" } },
        );
        expect(JSON.parse(stdout.trim().split("\n").at(-1)!)).toEqual({
          finalResponse: "Here is the diagnosis.",
          streamed: ["thread.started", "turn.started", "item.completed", "turn.completed"],
          resumedSameThread: true,
          again: "Fixed again.",
          output: { answer: 42 },
          badSchema: "OutputSchemaError",
          usersXstate: true,
          viaServer: "Served.",
        });
        expect(standIn.requests).toHaveLength(5);
      } finally {
        await standIn.close();
      }
    },
    scaled(60_000),
  );

  it(
    "type-checks official-SDK code against its declarations, and rejects wrong options",
    () => {
      const file = path.join(project, "user.ts");
      writeFileSync(
        file,
        [
          'import type * as Official from "@openai/codex-sdk";',
          'import { Codex, OutputSchemaError, type ThreadEvent, type Turn } from "codex-actors";',
          'import { reply, startModelStandIn, type StandInScript } from "codex-actors/testing";',
          'const script: StandInScript = [reply.command("ls"), reply.message("done")];',
          "export const standIn = startModelStandIn(script).then((s) => new Codex({ ...s.codexOptions }));",
          'const options: Official.ThreadOptions = { model: "gpt-5.5", sandboxMode: "read-only" };',
          "const thread = new Codex().startThread(options);",
          "export async function quickstart(): Promise<string> {",
          '  const turn: Turn = await thread.run("Diagnose", { outputSchema: { type: "object" } });',
          '  const { events } = await thread.runStreamed("Fix");',
          '  const types: ThreadEvent["type"][] = [];',
          "  for await (const event of events) types.push(event.type);",
          '  return turn.finalResponse + types.join() + new OutputSchemaError("x").message;',
          "}",
          "// @ts-expect-error: not a sandbox mode",
          'new Codex().startThread({ sandboxMode: "everything" });',
        ].join("\n"),
      );
      const program = ts.createProgram([file], {
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        target: ts.ScriptTarget.ES2022,
        lib: ["lib.es2023.d.ts"],
        types: ["node"],
        strict: true,
        noEmit: true,
      });
      // The official SDK's own declarations import a package it does not install: not ours to check.
      const diagnostics = ts
        .getPreEmitDiagnostics(program)
        .filter((d) => !d.file?.fileName.includes("/@openai/codex-sdk/"))
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      expect(diagnostics).toEqual([]);
    },
    scaled(60_000),
  );
});
