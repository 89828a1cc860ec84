// The consumers under test, each constructed like the official `Codex`. A consumer's module is
// imported only when asked for, so a process pays for its own consumer's import and no other.
import { setTimeout as sleep } from "node:timers/promises";

/** Every consumer, in the order runs alternate. */
export const CONSUMERS = ["raw", "raw-generator", "official", "actors"];

/** codex-actors unobserved and observed (every channel subscribed, OpenTelemetry on). */
export const TELEMETRY_CONSUMERS = ["actors", "actors-observed"];

/** The consumers a user would compare: the floor and the two SDKs. */
export const MAIN_CONSUMERS = ["raw", "official", "actors"];

/** Scenario 7 adds the xstate floor: the official SDK running each turn in one xstate actor. */
export const COLD_START_CONSUMERS = ["raw", "official", "official-xstate", "actors"];

const MODULES = {
  raw: async () => (await import("./raw-loop.mjs")).RawLoopCodex,
  "raw-generator": async () => (await import("./raw-generator.mjs")).RawGeneratorCodex,
  official: async () => (await import("@openai/codex-sdk")).Codex,
  "official-xstate": async () => (await import("./official-xstate.mjs")).ActorWrappedCodex,
  actors: async () => (await import("../../dist/index.js")).Codex,
  "actors-observed": async () => (await import("./actors-observed.mjs")).ObservedCodex,
};

let loaded;

// Imports the named consumer's module (the import the cold-start figures time).
export async function loadConsumer(consumer) {
  if (!MODULES[consumer]) throw new Error(`unknown consumer ${consumer}`);
  loaded = { consumer, Codex: await MODULES[consumer]() };
}

// A `Codex`-like client of the loaded consumer.
export function createCodex(options) {
  const { executablePath, ...rest } = options;
  if (loaded.consumer.startsWith("raw")) return new loaded.Codex(options);
  return new loaded.Codex(executablePath ? { ...rest, codexPathOverride: executablePath } : rest);
}

// Streams one turn of `thread` into `onEvent`, which may return a pause in ms: the raw loop
// through its callback, the others through `runStreamed`'s events as users read them.
export async function consumeTurn(thread, prompt, onEvent) {
  if (thread.consume) return thread.consume(prompt, onEvent);
  const { events } = await thread.runStreamed(prompt);
  for await (const event of events) {
    const pauseMs = onEvent(event);
    if (pauseMs) await sleep(pauseMs);
  }
}
