/**
 * An output schema reaches codex as its transport reads it: exec passes a file
 * (`--output-schema`), written for the turn and removed with it; the app-server takes it inline in
 * `turn/start`, so no file is written for it (one used to be, that nothing read).
 */
import { describe, expect, it } from "@jest/globals";
import { hang } from "../src/model-stand-in/index.js";
import type { TransportName } from "../src/types/app-server.js";
import { TurnInterruptedError } from "../src/types/app-server-errors.js";
import { collect } from "./support/collect.js";
import { eventually } from "./support/processes.js";
import { realCodex } from "./support/real-codex.js";
import { schemaDirsOfThisProcess } from "./support/schema-dirs.js";

const schema = {
  type: "object",
  properties: { verdictOfTheSchemaTest: { type: "string" } },
  required: ["verdictOfTheSchemaTest"],
  additionalProperties: false,
} as const;

describe("where a turn's output schema goes", () => {
  it.each<[TransportName, number]>([
    ["exec", 1],
    ["app-server", 0],
  ])(
    "on %s: %i schema folder while the turn runs, none after; the model gets the schema",
    async (transport, folders) => {
      const rig = await realCodex([hang()]);
      const codex = rig.makeCodex({ transport });
      const turn = await rig.startThread(codex).runStreamed("judge", { outputSchema: schema });
      // The turn starts as its events are read (as the official SDK's).
      let next = await turn.events.next();
      while (!next.done && next.value.type !== "turn.started") next = await turn.events.next();
      await eventually(() => rig.standIn.requests.length === 1, "the model request", 15_000);
      expect(schemaDirsOfThisProcess()).toHaveLength(folders);
      expect(JSON.stringify(rig.standIn.requests[0]!.body)).toContain("verdictOfTheSchemaTest");
      const end = collect(turn.events);
      await turn.interrupt();
      expect((await end).error).toBeInstanceOf(TurnInterruptedError);
      expect(schemaDirsOfThisProcess()).toEqual([]);
      await codex.shutdown();
    },
  );
});
