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
  const command = `codexActors${name}`;
  return (client, ...keysAndArgs) => {
    if (!(command in client)) client.defineCommand(command, { numberOfKeys, lua });
    const run = (client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[
      command
    ]!;
    return run.call(client, ...keysAndArgs);
  };
}
