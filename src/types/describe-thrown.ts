/**
 * What a thrown value says, whatever it is — a circular object, a BigInt, a revoked Proxy, an
 * error whose `message` getter throws: never throws itself.
 */
export function describeThrown(thrown: unknown): string {
  for (const describe of DESCRIPTIONS) {
    try {
      const text = describe(thrown);
      if (typeof text === "string") return text;
    } catch {
      // The next, plainer description.
    }
  }
  return "an undescribable value";
}

const DESCRIPTIONS: Array<(thrown: unknown) => string | undefined> = [
  (thrown) => (thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : undefined),
  (thrown) => JSON.stringify(thrown),
  (thrown) => String(thrown),
  (thrown) => Object.prototype.toString.call(thrown),
];
