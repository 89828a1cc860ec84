import type { ValidateFunction } from "ajv";
import { loadAjv } from "../package-files.js";
import { OutputSchemaError, OutputValidationError } from "../types/errors.js";

/** Checks a turn's final response against its `outputSchema`, compiled once per turn. */
export class OutputValidator<T = unknown> {
  private readonly validate: ValidateFunction<T>;

  /** Compiles the schema; an invalid one throws `OutputSchemaError` before any process starts. */
  constructor(readonly schema: unknown) {
    if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
      throw new OutputSchemaError(
        `expected a plain JSON object, got ${schema === null ? "null" : typeof schema}`,
      );
    }
    // Loaded on first use: loading ajv costs more than the rest of the library's import.
    const { Ajv } = loadAjv();
    try {
      // One ajv per schema: a shared one would keep every schema forever and reject a second
      // schema object with the same `$id` ("already exists").
      this.validate = new Ajv({ allErrors: true, strict: false }).compile<T>(schema);
    } catch (cause) {
      throw new OutputSchemaError((cause as Error).message, { cause });
    }
  }

  /** Parses and validates the final response, or throws `OutputValidationError` with ajv's messages. */
  parse(finalResponse: string): T {
    let value: unknown;
    try {
      value = JSON.parse(finalResponse);
    } catch (cause) {
      throw new OutputValidationError([`not JSON: ${(cause as Error).message}`], finalResponse);
    }
    if (!this.validate(value)) {
      const messages = (this.validate.errors ?? []).map(
        (error) => `${error.instancePath || "(root)"} ${error.message ?? "is invalid"}`,
      );
      throw new OutputValidationError(messages, finalResponse);
    }
    return value;
  }
}
