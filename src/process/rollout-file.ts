import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

/* A thread's codex session on disk: its rollout file, `$CODEX_HOME/sessions/YYYY/MM/DD/rollout-…-<id>.jsonl`. */

/** The rollout file of `threadId` in `codexHome`, relative to it, or undefined (read without blocking). */
export async function findRollout(
  codexHome: string,
  threadId: string,
): Promise<string | undefined> {
  const suffix = `-${threadId}.jsonl`;
  const walk = async (relative: string, depth: number): Promise<string | undefined> => {
    let names: string[];
    try {
      names = (await readdir(path.join(codexHome, relative))).sort().reverse();
    } catch {
      return undefined;
    }
    for (const name of names) {
      const child = `${relative}/${name}`;
      if (depth === 3) {
        if (name.startsWith("rollout-") && name.endsWith(suffix)) return child;
      } else {
        const found = await walk(child, depth + 1);
        if (found) return found;
      }
    }
    return undefined;
  };
  return walk("sessions", 0);
}

const TOKEN_COUNT = '"type":"token_count"';

/**
 * The thread's running token total (input + output) as codex last wrote it in its rollout — where
 * the count of a resumed thread's next turn starts — or null when there is no rollout or no count
 * in it. Reads the file once; a line that does not parse is skipped.
 */
export async function readRolloutTotal(
  codexHome: string,
  threadId: string,
): Promise<number | null> {
  const relative = await findRollout(codexHome, threadId);
  if (!relative) return null;
  const text = await readFile(path.join(codexHome, relative), "utf8");
  let end = text.length;
  while (end > 0) {
    const start = text.lastIndexOf("\n", end - 1) + 1;
    const line = text.slice(start, end);
    end = start - 1;
    if (!line.includes(TOKEN_COUNT)) continue;
    const total = totalOf(line);
    if (total !== null) return total;
  }
  return null;
}

function totalOf(line: string): number | null {
  try {
    const usage = (
      JSON.parse(line) as {
        payload?: {
          info?: { total_token_usage?: { input_tokens?: number; output_tokens?: number } };
        };
      }
    ).payload?.info?.total_token_usage;
    if (!usage) return null;
    return (usage.input_tokens ?? 0) + (usage.output_tokens ?? 0);
  } catch {
    return null;
  }
}
