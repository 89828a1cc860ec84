// Many turns at once over mock-codex (scenario 6): every turn is started together, on its own
// thread; codex-actors gets `maxConcurrentTurns`, the others have no such limit.
import { consumeTurn, createCodex } from "../consumers/index.mjs";

// Runs `spec.turns` concurrent turns to their end.
export async function run(spec) {
  const codex = createCodex(spec.codexOptions);
  let completed = 0;
  const turn = (index) =>
    consumeTurn(codex.startThread({ skipGitRepoCheck: true }), `turn ${index}`, (event) => {
      if (event.type === "turn.completed") completed += 1;
    });
  await Promise.all(Array.from({ length: spec.turns }, (_, index) => turn(index)));
  return { completed };
}
