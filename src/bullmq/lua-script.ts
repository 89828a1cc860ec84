import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

/**
 * A Lua script run by its SHA1 (`EVALSHA`), its text sent only when Redis has not got it yet
 * (a fresh or restarted Redis): ioredis's `defineCommand`, defined on each client once.
 */
export function luaScript(
  name: string,
  numberOfKeys: number,
  lua: string,
): (client: Redis, ...keysAndArgs: (string | number | Buffer)[]) => Promise<unknown> {
  // Named by its text too: two copies of the library sharing a client run each their own.
  const command = `codexActors${name}_${createHash("sha1").update(lua).digest("hex").slice(0, 8)}`;
  return (client, ...keysAndArgs) => {
    if (!(command in client)) client.defineCommand(command, { numberOfKeys, lua });
    const run = (client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[
      command
    ]!;
    return run.call(client, ...keysAndArgs);
  };
}
