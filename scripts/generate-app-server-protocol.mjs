#!/usr/bin/env node
// `npm run protocol:generate`: writes the TypeScript types of the codex app-server protocol, as the
// installed binary (`codex app-server generate-ts`) describes them, into
// src/transports/app-server/protocol/. `npm run protocol:check` (CI) generates them again into a
// temp folder and fails with a diff when the checked-in copy differs, so a binary upgrade that
// changes the protocol is seen in review, not discovered by users.
//
// Only the stable surface is generated (no `--experimental`): everything codex-actors calls
// (turns, steer, interrupt, approvals, thread management, models, account, MCP status) is in it.
// The binary runs in an environment built from scratch (minimal PATH, fresh HOME and CODEX_HOME).
// The generated imports are made NodeNext-compatible (`./X` → `./X.js`, `./v2` → `./v2/index.js`);
// nothing else is changed. Every temp folder is removed, whatever happens.
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { cpSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TARGET = path.join(ROOT, "src", "transports", "app-server", "protocol");
const CODEX_JS = createRequire(import.meta.url).resolve("@openai/codex/bin/codex.js");
const CODEX_VERSION = JSON.parse(
  readFileSync(path.join(path.dirname(CODEX_JS), "..", "package.json"), "utf8"),
).version;
const MINIMAL_PATH = [...new Set([path.dirname(process.execPath), "/usr/bin", "/bin"])].join(":");
const run = promisify(execFile);

const temps = [];
const removeTemps = () =>
  temps.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    removeTemps();
    process.exit(1);
  });
}

try {
  const generated = await generate();
  if (process.argv.includes("--check")) process.exitCode = check(generated);
  else replaceTarget(generated);
} finally {
  removeTemps();
}

// Runs the binary's generator hermetically and returns the folder it wrote, imports fixed.
async function generate() {
  const work = mkdtempSync(path.join(tmpdir(), "codex-actors-protocol-"));
  temps.push(work);
  const [home, codexHome, out] = ["home", "codex-home", "protocol"].map((name) => {
    mkdirSync(path.join(work, name));
    return path.join(work, name);
  });
  const env = { PATH: MINIMAL_PATH, HOME: home, CODEX_HOME: codexHome };
  try {
    await run(process.execPath, [CODEX_JS, "app-server", "generate-ts", "--out", out], { env });
  } catch (error) {
    console.error(`codex app-server generate-ts failed:\n${error.stderr || error.message}`);
    process.exit(1);
  }
  for (const file of listFiles(out)) fixImports(path.join(out, file));
  writeFileSync(
    path.join(out, "README.md"),
    "# Generated: do not edit\n\n" +
      `The codex app-server protocol as \`@openai/codex\` ${CODEX_VERSION} describes it ` +
      "(`codex app-server generate-ts`, stable surface), with imports made NodeNext-compatible.\n" +
      "Regenerate with `npm run protocol:generate`; CI runs `npm run protocol:check`.\n",
  );
  return out;
}

// Gives every relative import an explicit `.js` (or `/index.js` for a folder), as NodeNext needs.
function fixImports(file) {
  const source = readFileSync(file, "utf8");
  const fixed = source.replace(/from "(\.{1,2}\/[^"]*)"/g, (_, specifier) => {
    const resolved = path.resolve(path.dirname(file), specifier);
    const isFolder = existsSync(resolved) && statSync(resolved).isDirectory();
    return `from "${specifier}${isFolder ? "/index.js" : ".js"}"`;
  });
  if (fixed !== source) writeFileSync(file, fixed);
}

function replaceTarget(generated) {
  console.log(notificationChanges(generated));
  rmSync(TARGET, { recursive: true, force: true });
  cpSync(generated, TARGET, { recursive: true });
  console.log(`Wrote ${listFiles(TARGET).length} files to ${path.relative(ROOT, TARGET)}.`);
}

// Compares the fresh copy with the checked-in one; prints what differs, returns the exit code.
function check(generated) {
  const fresh = new Set(listFiles(generated));
  const current = new Set(existsSync(TARGET) ? listFiles(TARGET) : []);
  const added = [...fresh].filter((file) => !current.has(file));
  const removed = [...current].filter((file) => !fresh.has(file));
  const changed = [...fresh].filter(
    (file) =>
      current.has(file) &&
      readFileSync(path.join(generated, file), "utf8") !==
        readFileSync(path.join(TARGET, file), "utf8"),
  );
  if (added.length + removed.length + changed.length === 0) {
    console.log(`The app-server protocol types match @openai/codex ${CODEX_VERSION}.`);
    return 0;
  }
  const list = (title, files) => (files.length ? `${title}:\n  ${files.join("\n  ")}\n` : "");
  console.error(
    `The checked-in app-server protocol types (${path.relative(ROOT, TARGET)}) differ from what ` +
      `@openai/codex ${CODEX_VERSION} generates. Run \`npm run protocol:generate\`, review the ` +
      `diff and adapt the code that uses what changed.\n` +
      list("new in the binary", added) +
      list("gone from the binary", removed) +
      list("changed", changed) +
      notificationChanges(generated),
  );
  for (const file of changed.slice(0, 20)) console.error(unifiedDiff(file, generated));
  return 1;
}

// The notification methods a regenerated protocol adds or drops: each new one reaches users as an
// `app_server.notification` event until map-notification.ts maps it or ignored-notifications.ts
// lists it; a dropped one listed there fails the typecheck until its line is removed.
function notificationChanges(generated) {
  const methods = (dir) => {
    const file = path.join(dir, "ServerNotification.ts");
    const text = existsSync(file) ? readFileSync(file, "utf8") : "";
    return new Set([...text.matchAll(/"method": "([^"]+)"/g)].map((match) => match[1]));
  };
  const [before, after] = [methods(TARGET), methods(generated)];
  const added = [...after].filter((method) => !before.has(method));
  const dropped = [...before].filter((method) => !after.has(method));
  if (added.length + dropped.length === 0) return "Notification methods: unchanged.";
  return (
    `Notification methods new in the binary (passed through to users until mapped or ignored): ` +
    `${added.join(", ") || "none"}. Gone: ${dropped.join(", ") || "none"}.`
  );
}

// `diff -u` of one file (the list above still says what differs where `diff` is missing).
function unifiedDiff(file, generated) {
  try {
    execFileSync("diff", ["-u", path.join(TARGET, file), path.join(generated, file)], {
      encoding: "utf8",
      env: { PATH: MINIMAL_PATH },
    });
    return "";
  } catch (error) {
    return error.stdout ?? "";
  }
}

function listFiles(dir, prefix = "") {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory()
        ? listFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`)
        : [`${prefix}${entry.name}`],
    )
    .sort();
}
