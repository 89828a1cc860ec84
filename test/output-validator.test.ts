import { describe, expect, it } from "@jest/globals";
import { OutputValidator } from "../src/output/output-validator.js";
import { CodexError, OutputSchemaError, OutputValidationError } from "../src/types/errors.js";

const ANSWER_SCHEMA = {
  type: "object",
  properties: { answer: { type: "number" }, unit: { type: "string", enum: ["m", "s"] } },
  required: ["answer", "unit"],
  additionalProperties: false,
};

/** The error `parse` throws for `text`, failing the test when it throws none. */
function validationErrorOf(validator: OutputValidator, text: string): OutputValidationError {
  try {
    validator.parse(text);
  } catch (error) {
    expect(error).toBeInstanceOf(OutputValidationError);
    return error as OutputValidationError;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

describe("OutputValidator: the schema", () => {
  it.each([
    ["an unknown type", { type: "integr" }],
    ["a nested unknown type", { type: "object", properties: { a: { type: "strin" } } }],
    ["a keyword with a value of the wrong kind", { type: "string", minLength: "three" }],
    ["required that is not an array", { type: "object", required: "answer" }],
  ])("rejects a schema with %s with OutputSchemaError", (_what, schema) => {
    expect(() => new OutputValidator(schema)).toThrow(OutputSchemaError);
  });

  it.each([
    ["null", null],
    ["a string", '{"type":"object"}'],
    ["a number", 42],
    ["an array", [{ type: "object" }]],
  ])("rejects %s as a schema with OutputSchemaError", (_what, schema) => {
    expect(() => new OutputValidator(schema)).toThrow(OutputSchemaError);
  });

  it("describes an invalid schema as such, with a stable name and kind", () => {
    let caught: unknown;
    try {
      new OutputValidator({ type: "integr" });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CodexError);
    expect(caught).toMatchObject({ name: "OutputSchemaError", kind: "invalid_schema" });
    expect((caught as Error).message).toContain("outputSchema");
  });

  it("accepts two schema objects with the same $id, as turns that build their schema do", () => {
    const schema = () => ({ $id: "https://example.com/answer.json", ...ANSWER_SCHEMA });
    expect(new OutputValidator(schema()).parse('{"answer":1,"unit":"m"}')).toEqual({
      answer: 1,
      unit: "m",
    });
    expect(() => new OutputValidator(schema())).not.toThrow();
  });

  it("keeps the schema it was given", () => {
    expect(new OutputValidator(ANSWER_SCHEMA).schema).toBe(ANSWER_SCHEMA);
  });
});

describe("OutputValidator: the final response", () => {
  it("returns the parsed value of a response that matches", () => {
    const validator = new OutputValidator<{ answer: number; unit: string }>(ANSWER_SCHEMA);
    expect(validator.parse('{"answer": 42, "unit": "m"}')).toEqual({ answer: 42, unit: "m" });
  });

  it("validates responses whose root is not an object", () => {
    const validator = new OutputValidator({ type: "array", items: { type: "integer" } });
    expect(validator.parse("[1, 2, 3]")).toEqual([1, 2, 3]);
    expect(validationErrorOf(validator, "[1, 2.5]").errors).toEqual(["/1 must be integer"]);
  });

  it("can check several responses with one validator", () => {
    const validator = new OutputValidator(ANSWER_SCHEMA);
    expect(validator.parse('{"answer":1,"unit":"s"}')).toEqual({ answer: 1, unit: "s" });
    validationErrorOf(validator, '{"answer":"1","unit":"s"}');
    expect(validator.parse('{"answer":2,"unit":"m"}')).toEqual({ answer: 2, unit: "m" });
  });

  it.each([
    ["prose", "The answer is 42."],
    ["an empty response", ""],
    ["truncated JSON", '{"answer": 42, "unit": "m"'],
  ])("rejects %s as not JSON, carrying the raw text", (_what, text) => {
    const error = validationErrorOf(new OutputValidator(ANSWER_SCHEMA), text);
    expect(error.rawText).toBe(text);
    expect(error.errors).toHaveLength(1);
    expect(error.errors[0]).toMatch(/^not JSON/);
    expect(error.message).toContain("not JSON");
  });

  it("rejects a response of the wrong type with ajv's message and the raw text", () => {
    const text = '{"answer": "42", "unit": "m"}';
    const error = validationErrorOf(new OutputValidator(ANSWER_SCHEMA), text);
    expect(error.rawText).toBe(text);
    expect(error.errors).toEqual(["/answer must be number"]);
    expect(error.message).toContain("/answer must be number");
    expect(error).toMatchObject({ name: "OutputValidationError", kind: "output_validation" });
    expect(error).toBeInstanceOf(CodexError);
  });

  it("reports every mismatch, not just the first", () => {
    const text = '{"answer": true, "unit": "km", "extra": 1}';
    const error = validationErrorOf(new OutputValidator(ANSWER_SCHEMA), text);
    expect(error.errors).toEqual(
      expect.arrayContaining([
        "/answer must be number",
        "/unit must be equal to one of the allowed values",
        "(root) must NOT have additional properties",
      ]),
    );
    expect(error.errors).toHaveLength(3);
  });

  it("names a missing required property at the root", () => {
    const error = validationErrorOf(new OutputValidator(ANSWER_SCHEMA), '{"unit": "m"}');
    expect(error.errors).toEqual(["(root) must have required property 'answer'"]);
  });
});
