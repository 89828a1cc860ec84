import { describe, expect, it } from "@jest/globals";
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  reply,
  startModelStandIn,
  turnPaths,
  type RunningStandIn,
  type StandInScript,
} from "../src/testing/index.js";
import { hermeticEnv } from "./support/hermetic-env.js";
import { atTeardown } from "./support/rig-registry.js";

// Every script in examples/ runs as a user runs it — `node examples/<name>.mjs`, importing the
// built package by its name — against the kit's stand-in (no key, no network): an example that
// rots fails here. The PR bot's example is a Jest test of its own (examples/pr-bot), and the
// same test under Vitest is run here through `vitest run`.

const VITEST = fileURLToPath(new URL("../node_modules/vitest/vitest.mjs", import.meta.url));
const ROOT = fileURLToPath(new URL("..", import.meta.url));

const example = (name: string) =>
  fileURLToPath(new URL(`../examples/${name}.mjs`, import.meta.url));

type Ran = { code: number | null; stdout: string; stderr: string };

/** Runs an example with the stand-in's environment, in its working folder. */
function runExample(
  standIn: RunningStandIn,
  name: string,
  whileRunning?: (child: ReturnType<typeof spawn>, stdout: () => string) => void,
): Promise<Ran> {
  const child = spawn(process.execPath, [example(name)], {
    cwd: standIn.workdir,
    env: standIn.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  atTeardown(`the example ${name}`, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  whileRunning?.(child, () => stdout);
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

async function standInFor(script: StandInScript, fallback?: ReturnType<typeof reply.message>) {
  const standIn = await startModelStandIn(script, {
    env: hermeticEnv(),
    ...(fallback ? { fallback } : {}),
  });
  atTeardown("the examples' stand-in", () => standIn.close());
  return standIn;
}

describe("examples/", () => {
  it("basic-run: prints the final response", async () => {
    const standIn = await standInFor([reply.message("The test expects UTC; fix the clock.")]);
    const ran = await runExample(standIn, "basic-run");
    expect(ran).toMatchObject({ code: 0, stdout: "The test expects UTC; fix the clock.\n" });
    expect(standIn.requests[0]!.userTexts.at(-1)).toBe(
      "Diagnose the test failure and propose a fix",
    );
  });

  it("streaming: prints the events as they come, then the answer and the usage", async () => {
    const standIn = await standInFor([reply.deltas("It times out on CI.")]);
    const ran = await runExample(standIn, "streaming");
    expect(ran.code).toBe(0);
    expect(ran.stdout.split("\n")).toEqual(
      expect.arrayContaining([
        "event: thread.started",
        "event: turn.started",
        "answer: It times out on CI.",
        "tokens: 5",
      ]),
    );
  });

  it("structured-output: prints the typed output", async () => {
    const standIn = await standInFor([
      reply.message(JSON.stringify({ summary: "two tests fail", status: "action_required" })),
    ]);
    const ran = await runExample(standIn, "structured-output");
    expect(ran).toMatchObject({ code: 0, stdout: "action_required: two tests fail\n" });
    expect(standIn.requests[0]!.body.text).toMatchObject({
      format: expect.objectContaining({ type: "json_schema" }),
    });
  });

  it("tools: the agent files its review through a function of the program", async () => {
    const standIn = await standInFor([
      reply.toolCall("host", "file_review", { verdict: "approve", summary: "small and tested" }),
      reply.message("Reviewed and filed."),
    ]);
    const ran = await runExample(standIn, "tools");
    expect(ran).toMatchObject({
      code: 0,
      stdout: "file_review: completed\nfiled: approve (small and tested)\nReviewed and filed.\n",
    });
    expect(JSON.stringify(standIn.requests[1]!.body.input)).toContain("Filed as approve.");
  });

  it("multi-turn-resume: two turns, then the same thread resumed from another Codex", async () => {
    const standIn = await standInFor([
      reply.message("It is test_clock."),
      reply.message("Fixed."),
      reply.message("Yes."),
    ]);
    const ran = await runExample(standIn, "multi-turn-resume");
    expect(ran).toMatchObject({
      code: 0,
      stdout: "first: It is test_clock.\nsecond: Fixed.\nresumed: Yes.\nsame thread: true\n",
    });
    // The resumed turn carries the whole conversation.
    expect(standIn.requests[2]!.userTexts).toEqual(
      expect.arrayContaining(["Find the flaky test", "Now fix it", "Did the fix hold?"]),
    );
  });

  it("file-operations: prints each file change as it completes, then the file it wrote", async () => {
    const standIn = await standInFor([
      reply.addFile("NOTES.md", "# Notes\n"),
      reply.patch(
        "*** Begin Patch\n*** Update File: NOTES.md\n@@\n # Notes\n+The build is green.\n*** End Patch",
      ),
      reply.message("Wrote NOTES.md."),
    ]);
    const ran = await runExample(standIn, "file-operations");
    expect(ran).toMatchObject({
      code: 0,
      stdout: "completed: add NOTES.md\ncompleted: update NOTES.md\n# Notes\nThe build is green.\n",
    });
  });

  it("approvals: the allow-listed `npm test` runs; `rm -rf build` is declined in every wrapping and does not run", async () => {
    const standIn = await standInFor([
      reply.command("bash -lc 'rm -rf build'"),
      reply.command("cd build/.. && rm -rf build"),
      reply.command("npm test"),
      reply.command("npm test && rm -rf build"),
      reply.message("Fixed."),
    ]);
    const tested = path.join(standIn.workdir, "tested.txt");
    const kept = path.join(standIn.workdir, "build", "keep.txt");
    mkdirSync(path.dirname(kept));
    writeFileSync(kept, "still here");
    writeFileSync(
      path.join(standIn.workdir, "package.json"),
      JSON.stringify({
        scripts: { test: `node -e "require('fs').writeFileSync('tested.txt', 'ran')"` },
      }),
    );
    const ran = await runExample(standIn, "approvals");

    expect(ran).toMatchObject({ code: 0 });
    expect(ran.stdout.split("\n").filter((line) => /^(asked|answered):/.test(line))).toEqual([
      "asked: /bin/bash -c \"bash -lc 'rm -rf build'\"",
      "answered: decline",
      "asked: /bin/bash -c 'cd build/.. && rm -rf build'",
      "answered: decline",
      "asked: /bin/bash -c 'npm test'",
      "answered: accept",
      "asked: /bin/bash -c 'npm test && rm -rf build'",
      "answered: decline",
    ]);
    expect(ran.stdout.trimEnd().split("\n").at(-1)).toBe("Fixed.");
    expect(readFileSync(tested, "utf8")).toBe("ran");
    expect(readFileSync(kept, "utf8")).toBe("still here");
  });

  it("supervised-daemon: works jobs until SIGTERM, then shuts down cleanly and exits 0", async () => {
    const standIn = await standInFor([], reply.message("triaged"));
    const ran = await runExample(standIn, "supervised-daemon", (child, stdout) => {
      const poll = setInterval(() => {
        if (!stdout().includes("done: triage issue 2")) return;
        clearInterval(poll);
        child.kill("SIGTERM");
      }, 20);
      child.on("close", () => clearInterval(poll));
    });
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain("done: triage issue 1: triaged\n");
    expect(ran.stdout).toMatch(/SIGTERM: shutting down\n(.*\n)*shut down cleanly\n$/);
  });

  it("pr-bot.vitest.ts: the bot's model-based test passes under Vitest too", async () => {
    const child = spawn(process.execPath, [VITEST, "run"], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    atTeardown("vitest", () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect({ code, output }).toEqual({ code: 0, output: expect.any(String) });
    expect(output).toMatch(new RegExp(`Tests\\s+${turnPaths().length + 1} passed`));
  }, 180_000);
});
