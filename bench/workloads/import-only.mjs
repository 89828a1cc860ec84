// Nothing but the consumer's import (scenario 7): the figures are the import time and the
// whole process's wall and CPU time.

// Does nothing: `consumer.mjs` has already imported the consumer.
export async function run() {
  return {};
}
