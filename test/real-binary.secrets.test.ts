import { afterEach, describe, expect, it } from "@jest/globals";
import type { InspectionEvent } from "xstate";
import type { TransportName } from "../src/index.js";
import { message, reply, shellCommand } from "../src/model-stand-in/index.js";
import { realCodex, type RealCodexRig } from "./support/real-codex.js";

const API_KEY = "sk-test-4f1c9a7e2b";
const SECRET = "s3cr3t-9d2e71bb";

let rig: RealCodexRig;
afterEach(async () => rig?.close());

/** JSON text of `value` as a serializing inspector would send it (cycles cut, not fatal). */
function serialize(value: unknown): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(value, (_key, field: unknown) => {
    if (typeof field === "object" && field !== null) {
      if (seen.has(field)) return "[cycle]";
      seen.add(field);
    }
    return field;
  });
}

describe.each<TransportName>(["exec", "app-server"])(
  "secrets stay out of actor state (%s)",
  (transport) => {
    it("no inspection event and no snapshot carries the API key or an env secret, over a real turn", async () => {
      const payloads: string[] = [];
      rig = await realCodex([reply(shellCommand("echo hi")), reply(message("done"))]);
      const codex = rig.makeCodex({
        transport,
        apiKey: API_KEY,
        env: { ...rig.env, SECRET_TOKEN: SECRET },
        inspect: (event: InspectionEvent) => payloads.push(serialize(event)),
      });
      const thread = rig.startThread(codex);
      const look = () => {
        for (const snapshot of [thread.actor.getSnapshot(), codex.actor.getSnapshot()])
          payloads.push(serialize(snapshot));
        payloads.push(serialize(codex.getSnapshot()));
      };
      const { events } = await thread.runStreamed("run it");
      for await (const event of events) {
        expect(event.type).not.toBe("turn.failed");
        look();
      }
      look();

      expect(payloads.length).toBeGreaterThan(20);
      const leaks = payloads.filter((text) => text.includes(API_KEY) || text.includes(SECRET));
      expect(leaks.map((text) => text.slice(0, 120))).toEqual([]);
      // The secrets did reach codex: the turn ran with them.
      expect(rig.standIn.requests[0]?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    });
  },
);
