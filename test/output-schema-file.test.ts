import { describe, expect, it } from "@jest/globals";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { writeOutputSchemaFile } from "../src/process/output-schema-file.js";
import { mockCodex } from "./support/mock-codex.js";
import { isAlive } from "./support/processes.js";
import { schemaDirsOfThisProcess } from "./support/schema-dirs.js";

describe("the output schema file", () => {
  it("is written in a private folder (0700) as a private file (0600), and removed whole", async () => {
    const schema = { type: "object", properties: { ok: { type: "boolean" } } };
    const file = await writeOutputSchemaFile(schema);
    expect(JSON.parse(readFileSync(file.path, "utf8"))).toEqual(schema);
    expect(statSync(file.path).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file.path)).mode & 0o777).toBe(0o700);
    await file.remove();
    expect(existsSync(path.dirname(file.path))).toBe(false);
  });

  it.each([
    ["the turn fails", [{ exit: 1 }], undefined],
    ["the turn is aborted", [{ threadStarted: true }, { hang: true }], "abort"],
  ])("is gone when %s", async (_, scenario, how) => {
    const rig = mockCodex(scenario, { supervision: false });
    const controller = new AbortController();
    const { events } = await rig.codex
      .startThread()
      .runStreamed("hi", { outputSchema: { type: "object" }, signal: controller.signal });
    const consume = (async () => {
      for await (const event of events)
        if (how === "abort" && event.type === "thread.started") controller.abort();
    })();
    await expect(consume).rejects.toBeDefined();
    const argv = rig.records().find((record) => record.argv)!.argv!;
    const schemaPath = argv[argv.indexOf("--output-schema") + 1]!;
    expect(existsSync(schemaPath)).toBe(false);
    expect(existsSync(path.dirname(schemaPath))).toBe(false);
  });
});

describe("an abort that comes while the schema file is written", () => {
  const soon: Array<[string, (abort: () => void) => void]> = [
    ["a microtask", (abort) => queueMicrotask(abort)],
    ["a setImmediate", (abort) => setImmediate(abort)],
    ["1 ms", (abort) => setTimeout(abort, 1)],
  ];

  it.each(soon)(
    "%s after run() still aborts the turn, and leaves no schema file or process",
    async (_, after) => {
      const rig = mockCodex([{ delayMs: 100 }, { turn: '{"answer":"ran anyway"}' }]);
      const controller = new AbortController();
      const turn = rig.codex
        .startThread()
        .run("hi", { outputSchema: { type: "object" }, signal: controller.signal });
      after(() => controller.abort());
      await expect(turn).rejects.toMatchObject({ name: "AbortError" });
      expect(schemaDirsOfThisProcess()).toEqual([]);
      for (const record of rig.records()) if (record.pid) expect(isAlive(record.pid)).toBe(false);
      rig.close();
    },
  );
});
