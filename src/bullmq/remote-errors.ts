import * as codexErrors from "../types/index.js";
import { describeThrown } from "../types/describe-thrown.js";
import * as queueErrors from "./errors.js";
import { RemoteTurnError } from "./errors.js";

/** An error as a worker sends it: its class name, kind, message and enumerable data fields. */
export type SerializedError = {
  name: string;
  kind?: string;
  message: string;
  fields: Record<string, unknown>;
};

type ErrorClass = abstract new (...args: never[]) => Error;

/** The classes a producer rebuilds by name: every error the library and this entry export. */
const KNOWN = new Map<string, ErrorClass>();
// By export name: a bundler may rename the classes themselves.
for (const [name, value] of [...Object.entries(codexErrors), ...Object.entries(queueErrors)])
  if (typeof value === "function" && (value as { prototype: unknown }).prototype instanceof Error)
    KNOWN.set(name, value as ErrorClass);

/** `error` as data a job can carry: its own enumerable fields that survive JSON, nothing else. */
export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error))
    return { name: "Error", message: describeThrown(error), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (key === "name" || key === "kind" || key === "cause") continue;
    try {
      const json = JSON.stringify(value);
      if (json !== undefined) fields[key] = JSON.parse(json) as unknown;
    } catch {
      // Not data (circular, BigInt): left behind.
    }
  }
  const kind = (error as { kind?: unknown }).kind;
  return {
    name: error.name,
    kind: typeof kind === "string" ? kind : undefined,
    message: error.message,
    fields,
  };
}

/**
 * The worker's error rebuilt as the same class (an instance of it: `instanceof`, `name`, `kind`,
 * message and data fields as the worker had them; its stack is this process's), or a
 * `RemoteTurnError` when this process has no class of that name.
 */
export function rebuildError(serialized: SerializedError): Error {
  const cls = KNOWN.get(serialized.name);
  if (!cls) return new RemoteTurnError(serialized.name, serialized.kind, serialized.message);
  const error = Object.create(cls.prototype as object) as Error;
  Object.assign(error, serialized.fields);
  for (const [key, value] of [
    ["name", serialized.name],
    ["kind", serialized.kind],
    ["message", serialized.message],
  ] as const)
    if (value !== undefined)
      Object.defineProperty(error, key, { value, enumerable: key !== "message", writable: true });
  Object.defineProperty(error, "stack", {
    value: `${serialized.name}: ${serialized.message}\n    (on the worker)\n${new Error().stack?.split("\n").slice(1).join("\n") ?? ""}`,
    writable: true,
    configurable: true,
  });
  return error;
}
