import { describeThrown } from "../types/describe-thrown.js";
import { InvalidOptionError } from "../types/errors.js";
import type { Input } from "../types/options.js";

/** A turn's input as codex takes it: the prompt for stdin and the image paths for `--image`. */
export type NormalizedInput = { prompt: string; images: string[] };

/**
 * Joins text segments with a blank line and collects the images, in order (other part types are
 * left out, as the official SDK does). Anything else than a string or an array of objects, or an
 * input that throws as it is read, is an `InvalidOptionError`.
 */
export function normalizeInput(input: Input): NormalizedInput {
  try {
    return collectInput(input);
  } catch (error) {
    if (error instanceof InvalidOptionError) throw error;
    throw new InvalidOptionError("input", `it could not be read: ${describeThrown(error)}`);
  }
}

function collectInput(input: Input): NormalizedInput {
  if (typeof input === "string") return { prompt: input, images: [] };
  if (!Array.isArray(input)) throw invalidInput(input);
  const texts: string[] = [];
  const images: string[] = [];
  for (const part of input as unknown[]) {
    if (typeof part !== "object" || part === null) throw invalidInput(part);
    // As the official SDK: other part types are left out.
    const { type } = part as { type?: unknown };
    if (type === "text") texts.push(String((part as { text: unknown }).text));
    else if (type === "local_image") images.push(String((part as { path: unknown }).path));
  }
  return { prompt: texts.join("\n\n"), images };
}

const invalidInput = (value: unknown) =>
  new InvalidOptionError(
    "input",
    `expected a string or an array of { type: "text", text } and { type: "local_image", path } parts, got ${describeThrown(value)}`,
  );
