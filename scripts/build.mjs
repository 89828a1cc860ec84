// `npm run build`: the published `dist/` — one ESM bundle per entry, one declaration file per
// entry, and the licenses of what the bundles hold — and the unpublished `build/` (demo and model
// stand-in, for `npm run demo`, the tests and the benchmarks).
import { execFileSync } from "node:child_process";
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire, isBuiltin } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { declarationOwners } from "./declaration-owners.mjs";
import { bundleDeclarations } from "./declarations.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const requireHere = createRequire(import.meta.url);
const TSC = requireHere.resolve("typescript/bin/tsc");

// The published bundles are plain ES modules that every loader takes as they are: Node, Vitest,
// a bundler, and a test runner that transforms the package to CommonJS (Jest with ts-jest or
// babel-jest). So they hold no `import.meta` (a syntax error once transformed) and declare no
// `require` (the transform's own); what they take from their folder (ajv, the page and fake CLI
// files, the codex package) comes through dist/package-files.cjs (see libraryLink).
const COMMON = {
  absWorkingDir: ROOT,
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  logLevel: "warning",
};

for (const dir of ["dist", "build"]) rmSync(path.join(ROOT, dir), { recursive: true, force: true });

// The entries' declarations: tsc emits one per module into build/declarations/, bundled into one
// file per entry. `codex-actors/machines` owns the machines' types (the main entry's actor refs
// are made of them), the main entry its public ones: each entry imports the others' (see
// declaration-owners.mjs). The JS bundles of the other entries take the modules the main entry
// exports whole from its bundle, as the declarations do, so its classes are the user's.
const DECLARATIONS = path.join(ROOT, "build", "declarations");
const ENTRIES = [
  { name: "index", source: "index.d.ts", output: "index.d.ts" },
  { name: "machines", source: "advanced/machines.d.ts", output: "machines.d.ts" },
  { name: "otel", source: "otel/index.d.ts", output: "otel.d.ts" },
  { name: "testing", source: "testing/index.d.ts", output: "testing/index.d.ts" },
  { name: "bullmq", source: "bullmq/index.d.ts", output: "bullmq.d.ts" },
].map((entry) => ({ ...entry, output: path.join(ROOT, "dist", entry.output) }));
execFileSync(process.execPath, [TSC, "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "inherit" });
const { owners, wholePublic } = declarationOwners(DECLARATIONS, ENTRIES, [
  "machines",
  "index",
  "otel",
  "testing",
  "bullmq",
]);
await bundleDeclarations(DECLARATIONS, ENTRIES, owners);
rmSync(DECLARATIONS, { recursive: true });
const publicSources = new Set(
  [...wholePublic].map((file) =>
    path.join(ROOT, "src", path.relative(DECLARATIONS, file).replace(/\.d\.ts$/, ".ts")),
  ),
);

// The library: internal dependencies bundled and loaded in one file; `xstate` stays the user's
// own, so the actor refs we expose are their xstate's. ajv (and what it uses), needed only by
// turns with an `outputSchema`, goes to `dist/ajv.cjs`, read on first use. No source maps (the
// sources are not shipped).
const library = await build({
  ...COMMON,
  entryPoints: ["src/index.ts"],
  outfile: "dist/index.js",
  plugins: [
    { name: "builtins-imported", setup: builtinsImported },
    { name: "xstate-by-require", setup: xstateByRequire },
    { name: "library-link", setup: libraryLink("./package-files.cjs") },
    { name: "devtools-on-demand", setup: devtoolsOnDemand },
    { name: "tool-server-on-demand", setup: toolServerOnDemand },
  ],
  sourcemap: false,
  legalComments: "eof",
  metafile: true,
});
// The devtools server (`codex.devtools()`), imported on its first call only, and its page:
// Preact and the page in one browser script, and its style sheet, served by that server.
await build({
  ...COMMON,
  entryPoints: ["src/devtools/server.ts"],
  outfile: "dist/devtools.js",
  plugins: [{ name: "library-link", setup: libraryLink("./package-files.cjs") }],
  sourcemap: false,
  legalComments: "eof",
});
// The tool server (threads with `tools`), imported with the first turn that has tools: the
// optional peer `@modelcontextprotocol/sdk` stays the user's, and is needed only then.
await build({
  ...COMMON,
  entryPoints: ["src/tools/tool-server.ts"],
  outfile: "dist/tools.js",
  external: ["@modelcontextprotocol/sdk", "@modelcontextprotocol/sdk/*"],
  sourcemap: false,
  legalComments: "eof",
});
const page = await build({
  absWorkingDir: ROOT,
  entryPoints: ["src/devtools/page/main.tsx"],
  outfile: "dist/devtools-page.js",
  bundle: true,
  format: "iife",
  platform: "browser",
  target: "es2022",
  jsx: "automatic",
  jsxImportSource: "preact",
  minify: true,
  legalComments: "eof",
  logLevel: "warning",
  metafile: true,
});
// `codex-actors/machines`: the machine definitions, loaded only by those who import it. The
// library's public modules (its errors, among them) come from `dist/index.js`; xstate is the user's.
const machines = await build({
  ...COMMON,
  entryPoints: ["src/advanced/machines.ts"],
  outfile: "dist/machines.js",
  plugins: [
    { name: "public-from-main-bundle", setup: publicFromMainBundle("./index.js") },
    { name: "builtins-imported", setup: builtinsImported },
    { name: "xstate-by-require", setup: xstateByRequire },
    { name: "library-link", setup: libraryLink("./package-files.cjs") },
  ],
  sourcemap: false,
  legalComments: "eof",
  metafile: true,
});
const ajv = await build({
  ...COMMON,
  stdin: { contents: 'module.exports = require("ajv");', resolveDir: ROOT },
  outfile: "dist/ajv.cjs",
  format: "cjs",
  sourcemap: false,
  legalComments: "eof",
  metafile: true,
});
writeFileSync(
  path.join(ROOT, "dist", "THIRD_PARTY_LICENSES.md"),
  thirdPartyLicenses([library.metafile, machines.metafile, ajv.metafile, page.metafile]),
);

// `codex-actors/otel`: its own file, loaded only by those who import it; the user's
// `@opentelemetry/api` (a peer dependency). It meets the library through named diagnostics
// channels, which are the same objects in every module of a process.
await build({
  ...COMMON,
  entryPoints: ["src/otel/index.ts"],
  outfile: "dist/otel.js",
  external: ["@opentelemetry/api"],
  sourcemap: false,
  legalComments: "eof",
});

// `codex-actors/bullmq`: distributed turns, loaded only by those who import it; the user's
// `bullmq` and `ioredis` (optional peer dependencies), which the main bundle never loads. Its
// `Codex` (the worker's) and errors come from `dist/index.js`, as the user's own do.
await build({
  ...COMMON,
  entryPoints: ["src/bullmq/index.ts"],
  outfile: "dist/bullmq.js",
  external: ["bullmq", "ioredis"],
  plugins: [
    { name: "public-from-main-bundle", setup: publicFromMainBundle("./index.js") },
    { name: "builtins-imported", setup: builtinsImported },
    { name: "library-link", setup: libraryLink("./package-files.cjs") },
  ],
  sourcemap: false,
  legalComments: "eof",
});

// The testing kit `codex-actors/testing`: a bundle of its own that nothing in `dist/index.js`
// imports. What it uses of the library's public modules it takes from `dist/index.js` (the same
// classes as the user's), `xstate` is the user's; the fake CLI it runs is copied beside it.
await build({
  ...COMMON,
  entryPoints: ["src/testing/index.ts"],
  outfile: "dist/testing/index.js",
  external: ["xstate", "xstate/graph"],
  plugins: [
    { name: "public-from-main-bundle", setup: publicFromMainBundle("../index.js") },
    { name: "library-link", setup: libraryLink("../package-files.cjs") },
  ],
  sourcemap: false,
  legalComments: "eof",
});
copyFileSync(
  path.join(ROOT, "src/testing/mock-codex.mjs"),
  path.join(ROOT, "dist/testing/mock-codex.mjs"),
);
copyFileSync(
  path.join(ROOT, "src/package-files.bundle.cjs"),
  path.join(ROOT, "dist/package-files.cjs"),
);
assertPlainModules([
  "index.js",
  "machines.js",
  "otel.js",
  "devtools.js",
  "testing/index.js",
  "bullmq.js",
]);

// The demos and the model stand-in: repository tools, never published. The demos take what comes
// with the library from `dist/`, as the package does; the cluster demo (`npm run demo:cluster`)
// takes `codex-actors/bullmq` whole from `dist/bullmq.js`, in its producer and its workers.
await build({
  ...COMMON,
  entryPoints: {
    "demo/main": "src/demo/main.ts",
    "model-stand-in/index": "src/model-stand-in/index.ts",
  },
  outdir: "build",
  packages: "external",
  plugins: [{ name: "library-link", setup: libraryLink("../../dist/package-files.cjs") }],
  sourcemap: "linked",
});
await build({
  ...COMMON,
  entryPoints: {
    "demo/cluster/main": "src/demo/cluster/main.ts",
    "demo/cluster/worker": "src/demo/cluster/worker.ts",
  },
  outdir: "build",
  packages: "external",
  plugins: [
    { name: "bullmq-from-dist", setup: bullmqFromDist("../../../dist/bullmq.js") },
    { name: "library-link", setup: libraryLink("../../../dist/package-files.cjs") },
  ],
  sourcemap: "linked",
});

// `xstate` is loaded with `require`, by dist/package-files.cjs, not `import`: the same file, so
// the same module instance as a user's `import "xstate"` (xstate's ESM entry re-exports its
// CommonJS build, under every export condition), without Node's ES-module wrapping of that
// CommonJS build (51 M instructions of a cold import, callgrind). Its exports are read once into
// plain ES bindings: as a CommonJS module in the bundle it would be wrapped once per importing
// file, each wrapper copying all its exports.
function xstateByRequire(on) {
  const NAMESPACE = "xstate-by-require";
  on.onResolve({ filter: /^xstate$/ }, () => ({ path: "xstate", namespace: NAMESPACE }));
  on.onLoad({ filter: /.*/, namespace: NAMESPACE }, () => {
    const names = Object.keys(requireHere("xstate")).sort();
    return {
      contents: `import { xstate } from "./package-files.js";\nexport const { ${names.join(", ")} } = xstate;`,
      resolveDir: path.join(ROOT, "src"),
      loader: "js",
    };
  });
}

// A Node built-in that a bundled CommonJS package (tmp) `require`s is imported instead, as the
// package's `module.exports`: the bundle needs no `require` of its own.
function builtinsImported(on) {
  const NAMESPACE = "builtin-imported";
  on.onResolve({ filter: /^[a-z_:/]+$/ }, (args) =>
    args.kind === "require-call" && isBuiltin(args.path)
      ? { path: args.path.replace(/^node:/, ""), namespace: NAMESPACE }
      : undefined,
  );
  on.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
    contents: `import builtin from "node:${args.path}";\nmodule.exports = builtin;`,
    loader: "js",
  }));
}

// The sources' src/package-files.ts (which uses `import.meta`) becomes an import of
// `dist/package-files.cjs`, at `specifier` from the bundle being built.
function libraryLink(specifier) {
  return (on) =>
    on.onResolve({ filter: /\/package-files\.js$/ }, (args) =>
      path.dirname(path.join(args.resolveDir, args.path)) === path.join(ROOT, "src")
        ? { path: specifier, external: true }
        : undefined,
    );
}

// Fails the build if a published bundle holds `import.meta` (a syntax error once transformed to
// CommonJS) or esbuild's `__require` (a `require` that an ES module lacks).
function assertPlainModules(files) {
  for (const file of files) {
    const code = readFileSync(path.join(ROOT, "dist", file), "utf8");
    const found = ["import.meta", "var __require ="].filter((s) => code.includes(s));
    if (found.length > 0) throw new Error(`dist/${file} holds ${found.join(", ")}`);
  }
}

// An import of `src/bullmq/index.ts` becomes an import of the built entry, at `specifier`.
function bullmqFromDist(specifier) {
  return (on) =>
    on.onResolve({ filter: /\/bullmq\/index\.js$/ }, (args) =>
      path.join(args.resolveDir, args.path) === path.join(ROOT, "src", "bullmq", "index.js")
        ? { path: specifier, external: true }
        : undefined,
    );
}

// The `import("./devtools/server.js")` of `codex.devtools()`: the file built beside the bundle.
function devtoolsOnDemand(on) {
  on.onResolve({ filter: /\/devtools\/server\.js$/ }, () => ({
    path: "./devtools.js",
    external: true,
  }));
}

// The `import("./tool-server.js")` of the first turn with tools: `dist/tools.js`, loaded by a
// specifier computed at run time, found as the library's other files are (`libraryFile`). A
// user's bundler that inlines the library then neither follows it nor needs the optional peer
// `@modelcontextprotocol/sdk` it imports; it is loaded from the installed package when needed.
function toolServerOnDemand(on) {
  on.onResolve({ filter: /\/tool-server\.js$/ }, () => ({
    path: "tool-server",
    namespace: "tool-server-loader",
  }));
  on.onLoad({ filter: /.*/, namespace: "tool-server-loader" }, () => ({
    resolveDir: path.join(ROOT, "src"),
    loader: "js",
    contents: [
      'import { pathToFileURL } from "node:url";',
      'import { libraryFile } from "./library-files.js";',
      'const load = () => import(pathToFileURL(libraryFile("tools.js")).href);',
      "export const ToolServer = {",
      "  start: async (token, port) => (await load()).ToolServer.start(token, port),",
      "};",
    ].join("\n"),
  }));
}

// An entry's imports of the modules the main entry exports whole (`publicSources`, its own
// module among them) become imports of the main bundle, at `specifier` from the bundle built.
function publicFromMainBundle(specifier) {
  return (on) =>
    on.onResolve({ filter: /^\.\.?\// }, (args) =>
      publicSources.has(path.join(args.resolveDir, args.path.replace(/\.js$/, ".ts")))
        ? { path: specifier, external: true }
        : undefined,
    );
}

// The name, version, license and license text of every package the bundles hold.
function thirdPartyLicenses(metafiles) {
  const dirs = new Set();
  for (const input of metafiles.flatMap((metafile) => Object.keys(metafile.inputs))) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) dirs.add(match[1]);
  }
  const sections = [...dirs].sort().map((dir) => {
    const abs = path.join(ROOT, dir);
    const pkg = JSON.parse(readFileSync(path.join(abs, "package.json"), "utf8"));
    const file = readdirSync(abs).find((name) => /^licen[cs]e/i.test(name));
    const text = file ? readFileSync(path.join(abs, file), "utf8").trim() : `${pkg.license}`;
    return `## ${pkg.name} ${pkg.version} (${pkg.license})\n\n\`\`\`\n${text}\n\`\`\`\n`;
  });
  return [
    "# Third-party licenses",
    "",
    "`dist/index.js`, `dist/machines.js`, `dist/ajv.cjs` and `dist/devtools-page.js` bundle these packages.",
    "",
    ...sections,
  ].join("\n");
}
