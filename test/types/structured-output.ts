/**
 * Compiled by `npm run typecheck`, never run: with `outputSchema`, `turn.output` is typed — from
 * a literal schema, or from `run<T>()` — and without it stays `T | undefined`.
 */
import { Codex, type SchemaOutput } from "../../src/index.js";

/** Compiles only when `A` and `B` are the same type. */
type Same<A, B> =
  (<V>() => V extends A ? 1 : 2) extends <V>() => V extends B ? 1 : 2 ? true : false;
const same = <A, B>(_: Same<A, B> extends true ? true : never) => undefined;
/** Compiles only when the type of the value is exactly `E`. */
const typed =
  <E>() =>
  <A>(_value: A, ..._exact: Same<A, E> extends true ? [] : [never]) =>
    undefined;

type Review = { verdict: "approve" | "reject"; notes: string[] };

export async function inferredFromALiteralSchema(): Promise<void> {
  const thread = new Codex().startThread();
  const turn = await thread.run("review", {
    outputSchema: {
      type: "object",
      properties: {
        verdict: { type: "string", enum: ["approve", "reject"] },
        notes: { type: "array", items: { type: "string" } },
        score: { type: ["number", "null"] },
      },
      required: ["verdict", "notes"],
      additionalProperties: false,
    },
  });
  typed<{ verdict: "approve" | "reject"; notes: string[]; score?: number | null }>()(turn.output);
  const streamed = await thread.runStreamed("review", {
    outputSchema: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] },
  });
  typed<{ ok: boolean }>()((await streamed.result).output);
}

export async function givenAsTheTypeArgument(schema: Record<string, unknown>): Promise<void> {
  const turn = await new Codex().startThread().run<Review>("review", { outputSchema: schema });
  typed<Review>()(turn.output);
}

export async function withoutASchema(): Promise<void> {
  const turn = await new Codex().startThread().run("hi");
  typed<unknown>()(turn.output);
  const given = await new Codex().startThread().run<Review>("hi");
  typed<Review | undefined>()(given.output);
}

// What the schema reader gives for shapes it cannot read: unknown, never a wrong type.
same<SchemaOutput<Record<string, unknown>>, unknown>(true);
same<SchemaOutput<{ type: "object" }>, Record<string, unknown>>(true);
same<SchemaOutput<{ anyOf: [{ type: "string" }, { type: "integer" }] }>, string | number>(true);
same<SchemaOutput<{ const: "x" }>, "x">(true);
