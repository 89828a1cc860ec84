// The basic run: one turn, its final response. Configure codex as usual (an API key in
// CODEX_API_KEY, ~/.codex/config.toml); in CI this runs against codex-actors/testing's stand-in.
import { Codex } from "codex-actors";

const codex = new Codex();
// skipGitRepoCheck: the example may run outside a git repository.
const thread = codex.startThread({ skipGitRepoCheck: true });
const turn = await thread.run("Diagnose the test failure and propose a fix");
console.log(turn.finalResponse);
await codex.shutdown();
