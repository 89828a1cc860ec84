/** What a thrown value says, whatever it is (a circular object or a BigInt included). */
export function describeThrown(thrown: unknown): string {
  if (thrown instanceof Error) return `${thrown.name}: ${thrown.message}`;
  try {
    return JSON.stringify(thrown) ?? String(thrown);
  } catch {
    try {
      return String(thrown);
    } catch {
      return Object.prototype.toString.call(thrown);
    }
  }
}
