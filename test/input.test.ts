import { describe, expect, it } from "@jest/globals";
import { normalizeInput } from "../src/transports/input.js";
import { InvalidOptionError } from "../src/types/errors.js";
import type { UserInput } from "../src/types/options.js";

describe("normalizeInput", () => {
  it("uses a string as the prompt, unchanged, with no images", () => {
    const prompt = "  Fix the bug.\n\nThen run the tests.  ";
    expect(normalizeInput(prompt)).toEqual({ prompt, images: [] });
  });

  it("keeps an empty string prompt", () => {
    expect(normalizeInput("")).toEqual({ prompt: "", images: [] });
  });

  it("joins text segments with a blank line", () => {
    const input: UserInput[] = [
      { type: "text", text: "first" },
      { type: "text", text: "second\nline" },
      { type: "text", text: "third" },
    ];
    expect(normalizeInput(input)).toEqual({ prompt: "first\n\nsecond\nline\n\nthird", images: [] });
  });

  it("collects image paths in order, apart from the text around them", () => {
    const input: UserInput[] = [
      { type: "local_image", path: "/tmp/a.png" },
      { type: "text", text: "compare these" },
      { type: "local_image", path: "relative/b.jpg" },
      { type: "text", text: "which is newer?" },
    ];
    expect(normalizeInput(input)).toEqual({
      prompt: "compare these\n\nwhich is newer?",
      images: ["/tmp/a.png", "relative/b.jpg"],
    });
  });

  it("gives an empty prompt for images alone or an empty list", () => {
    expect(normalizeInput([{ type: "local_image", path: "x.png" }])).toEqual({
      prompt: "",
      images: ["x.png"],
    });
    expect(normalizeInput([])).toEqual({ prompt: "", images: [] });
  });

  it("keeps empty text segments as segments", () => {
    const input: UserInput[] = [
      { type: "text", text: "a" },
      { type: "text", text: "" },
      { type: "text", text: "b" },
    ];
    expect(normalizeInput(input).prompt).toBe("a\n\n\n\nb");
  });

  it("ignores parts of a type it does not know, as the official SDK does", () => {
    const input = [
      { type: "text", text: "hi" },
      { type: "remote_image", url: "https://example.com/x.png" },
    ] as unknown as UserInput[];
    expect(normalizeInput(input)).toEqual({ prompt: "hi", images: [] });
  });
});

describe("input that cannot be read", () => {
  const throwing = {
    type: "text",
    get text(): string {
      throw new Error("getter bug");
    },
  };
  it.each([
    ["null", null],
    ["a number", 5],
    ["a BigInt", 10n],
    ["an array with null in it", [null]],
    ["a part whose getter throws", [throwing]],
  ])("%s: InvalidOptionError naming the input", (_, input) => {
    expect(() => normalizeInput(input as never)).toThrow(InvalidOptionError);
    expect(() => normalizeInput(input as never)).toThrow(/`input`/);
  });
});
