import type { Input } from "../types/options.js";

/** A turn's input as codex takes it: the prompt for stdin and the image paths for `--image`. */
export type NormalizedInput = { prompt: string; images: string[] };

/** Joins text segments with a blank line and collects the images, in order. */
export function normalizeInput(input: Input): NormalizedInput {
  if (typeof input === "string") return { prompt: input, images: [] };
  const texts: string[] = [];
  const images: string[] = [];
  for (const part of input) {
    if (part.type === "text") texts.push(part.text);
    else if (part.type === "local_image") images.push(part.path);
  }
  return { prompt: texts.join("\n\n"), images };
}
