// The three consumers under test, each constructed like the official `Codex`.
import { Codex as OfficialCodex } from "@openai/codex-sdk";
import { Codex as ActorsCodex } from "../../dist/index.js";
import { RawCodex } from "./raw-codex.mjs";

/** The consumers, in the order runs alternate. */
export const CONSUMERS = ["raw", "official", "actors"];

// A `Codex`-like client of the named consumer.
export function createCodex(consumer, options) {
  if (consumer === "raw") return new RawCodex(options);
  const { executablePath, ...rest } = options;
  const codexOptions = executablePath ? { ...rest, codexPathOverride: executablePath } : rest;
  if (consumer === "official") return new OfficialCodex(codexOptions);
  if (consumer === "actors") return new ActorsCodex(codexOptions);
  throw new Error(`unknown consumer ${consumer}`);
}
