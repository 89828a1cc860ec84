import { InvalidOptionError } from "../types/errors.js";
import type { CodexConfigObject, CodexOptions } from "../types/options.js";

const TOML_BARE_KEY = /^[A-Za-z0-9_-]+$/;

/**
 * Flattens the structured `config` option into `key=value` overrides for `--config`: nested
 * objects become dotted keys, leaves become TOML literals. Rejects what TOML cannot say.
 */
export function flattenConfig(config: CodexConfigObject): string[] {
  if (!isPlainObject(config)) {
    throw new InvalidOptionError("config", `expected a plain object, got ${describe(config)}`);
  }
  const overrides: string[] = [];
  flattenInto(config, "", overrides);
  return overrides;
}

function flattenInto(object: Record<string, unknown>, prefix: string, out: string[]): void {
  const entries = Object.entries(object);
  if (prefix && entries.length === 0) {
    out.push(`${prefix}={}`);
    return;
  }
  for (const [key, value] of entries) {
    const path = prefix ? `${prefix}.${checkKey(key, prefix)}` : checkKey(key, prefix);
    if (value === undefined) continue;
    if (isPlainObject(value)) flattenInto(value, path, out);
    else out.push(`${path}=${toTomlValue(value, path)}`);
  }
}

/** Renders a JSON value as a TOML literal: quoted strings, finite numbers, arrays, inline tables. */
export function toTomlValue(value: unknown, path: string): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return String(value);
    case "number":
      if (!Number.isFinite(value)) {
        throw new InvalidOptionError("config", `${path} must be a finite number, got ${value}`);
      }
      return String(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((item, index) => toTomlValue(item, `${path}[${index}]`)).join(", ")}]`;
  }
  if (isPlainObject(value)) {
    const parts = Object.entries(value)
      .filter(([, child]) => child !== undefined)
      .map(([key, child]) => {
        const name = checkKey(key, path);
        return `${TOML_BARE_KEY.test(name) ? name : JSON.stringify(name)} = ${toTomlValue(child, `${path}.${name}`)}`;
      });
    return `{${parts.join(", ")}}`;
  }
  throw new InvalidOptionError(
    "config",
    `${path} cannot be ${describe(value)}; use a string, finite number, boolean, array or object`,
  );
}

function checkKey(key: string, parent: string): string {
  if (key.length === 0) {
    throw new InvalidOptionError("config", `empty key under ${parent || "the top level"}`);
  }
  return key;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
}

/**
 * The `--config` flags of the `Codex` options, in the official SDK's order: structured `config`,
 * raw `configOverrides`, then `baseUrl`. Throws `InvalidOptionError` for what TOML cannot say.
 */
export function globalConfigFlags(
  codex: Pick<CodexOptions, "baseUrl" | "config" | "configOverrides">,
): string[] {
  const overrides = [
    ...(codex.config ? flattenConfig(codex.config) : []),
    ...(codex.configOverrides ?? []),
    ...(codex.baseUrl ? [`openai_base_url=${toTomlValue(codex.baseUrl, "openai_base_url")}`] : []),
  ];
  return overrides.flatMap((override) => ["--config", override]);
}
