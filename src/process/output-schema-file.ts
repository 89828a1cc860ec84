import { rm, writeFile } from "node:fs/promises";
import path from "node:path";

/** A schema written for `--output-schema`, and how to remove it. */
export type OutputSchemaFile = { path: string; remove: () => Promise<void> };

/**
 * Writes the output schema to `schema.json` in a fresh private folder (0700, file 0600) and
 * returns its path; `remove` deletes folder and file. Nothing is left behind if writing fails.
 */
export async function writeOutputSchemaFile(schema: object): Promise<OutputSchemaFile> {
  // Loaded on first use: only turns with an `outputSchema` write a file.
  const { default: tmp } = await import("tmp");
  tmp.setGracefulCleanup();
  const dir = await new Promise<string>((resolve, reject) =>
    tmp.dir({ prefix: "codex-output-schema-", mode: 0o700 }, (error, name) =>
      error ? reject(error) : resolve(name),
    ),
  );
  const remove = () => rm(dir, { recursive: true, force: true });
  const file = path.join(dir, "schema.json");
  try {
    await writeFile(file, JSON.stringify(schema), { mode: 0o600, flag: "wx" });
  } catch (error) {
    await remove();
    throw error;
  }
  return { path: file, remove };
}
