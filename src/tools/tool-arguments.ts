import type { ValidateFunction } from "ajv";
import { loadAjv } from "../package-files.js";
import { InvalidOptionError } from "../types/errors.js";

/**
 * Compiles a tool's `inputSchema` (ajv, loaded on first use); an invalid schema throws
 * `InvalidOptionError` naming the tool.
 */
export function compileArguments(name: string, schema: object): ValidateFunction {
  const { Ajv } = loadAjv();
  try {
    return new Ajv({ allErrors: true, strict: false }).compile(schema);
  } catch (cause) {
    throw new InvalidOptionError(`tool ${name}: inputSchema`, (cause as Error).message);
  }
}

/** What is wrong with `args`, one line per problem, or `[]` when they fit the schema. */
export function argumentProblems(validate: ValidateFunction, args: unknown): string[] {
  if (validate(args)) return [];
  return (validate.errors ?? []).map(
    (error) => `${error.instancePath || "(arguments)"} ${error.message ?? "is invalid"}`,
  );
}
