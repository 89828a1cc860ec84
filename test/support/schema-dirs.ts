import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";

/**
 * The output-schema folders this test process has in the temp folder (tmp names them
 * `codex-output-schema--<pid>-<random>`), so a leak is seen whatever other processes do.
 */
export function schemaDirsOfThisProcess(): string[] {
  const prefix = `codex-output-schema--${process.pid}-`;
  return readdirSync(tmpdir()).filter((name) => name.startsWith(prefix));
}
