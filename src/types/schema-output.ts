/**
 * The JSON Schema shapes whose output type `SchemaOutput` can read: the subset codex's
 * structured output accepts (OpenAI strict mode) — `type` (one or a list), `properties` with
 * `required`, `items`, `enum`, `const`, `anyOf`/`oneOf`. Other keywords are allowed and ignored.
 */
export type OutputSchema = {
  readonly type?: JsonTypeName | readonly JsonTypeName[];
  readonly properties?: { readonly [name: string]: OutputSchema };
  readonly required?: readonly string[];
  readonly items?: OutputSchema;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly OutputSchema[];
  readonly oneOf?: readonly OutputSchema[];
  readonly [keyword: string]: unknown;
};

/** The names JSON Schema's `type` takes. */
export type JsonTypeName =
  "string" | "number" | "integer" | "boolean" | "null" | "array" | "object";

/**
 * The type of the value a literal schema `S` describes, e.g. `{ type: "object", properties:
 * { verdict: { enum: ["ok", "bad"] } }, required: ["verdict"] }` → `{ verdict: "ok" | "bad" }`.
 * A schema it cannot read (not a literal, or a keyword outside `OutputSchema`) gives `unknown`.
 */
export type SchemaOutput<S> = unknown extends S ? unknown : Described<S, 8>;

/** The value a schema describes, `depth` levels deep at most (deeper is `unknown`). */
type Described<S, Depth extends number> = Depth extends 0
  ? unknown
  : S extends { readonly const: infer C }
    ? C
    : S extends { readonly enum: readonly (infer E)[] }
      ? E
      : S extends { readonly anyOf: readonly (infer A)[] }
        ? Described<A, Less[Depth]>
        : S extends { readonly oneOf: readonly (infer O)[] }
          ? Described<O, Less[Depth]>
          : S extends { readonly type: infer T }
            ? OfType<S, T, Depth>
            : unknown;

/** One less, for the depth bound. */
type Less = [0, 0, 1, 2, 3, 4, 5, 6, 7];

/** The value of `type: T` (one name, or a list: any of them). */
type OfType<S, T, Depth extends number> = T extends readonly (infer Name)[]
  ? Name extends JsonTypeName
    ? Named<S, Name, Depth>
    : unknown
  : T extends JsonTypeName
    ? Named<S, T, Depth>
    : unknown;

/** The value of one named type. */
type Named<S, Name extends JsonTypeName, Depth extends number> = Name extends "string"
  ? string
  : Name extends "number" | "integer"
    ? number
    : Name extends "boolean"
      ? boolean
      : Name extends "null"
        ? null
        : Name extends "array"
          ? S extends { readonly items: infer I }
            ? Described<I, Less[Depth]>[]
            : unknown[]
          : S extends { readonly properties: infer P }
            ? ObjectOf<P, S extends { readonly required: readonly (infer R)[] } ? R : never, Depth>
            : Record<string, unknown>;

/** An object with properties `P`, those named in `Required` required, the others optional. */
type ObjectOf<P, Required, Depth extends number> = Flat<
  { -readonly [K in keyof P as K extends Required ? K : never]: Described<P[K], Less[Depth]> } & {
    -readonly [K in keyof P as K extends Required ? never : K]?: Described<P[K], Less[Depth]>;
  }
>;

/** An intersection shown as one object type. */
type Flat<T> = { [K in keyof T]: T[K] } & {};
