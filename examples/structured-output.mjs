// Structured output: an `outputSchema` makes the final response JSON of that shape; codex-actors
// validates it and hands it back parsed, as `turn.output`.
import { Codex } from "codex-actors";

const schema = {
  type: "object",
  properties: {
    summary: { type: "string" },
    status: { type: "string", enum: ["ok", "action_required"] },
  },
  required: ["summary", "status"],
  additionalProperties: false,
};

const codex = new Codex();
const thread = codex.startThread({ skipGitRepoCheck: true });
const turn = await thread.run("Summarize the repository status", { outputSchema: schema });
console.log(`${turn.output.status}: ${turn.output.summary}`);
await codex.shutdown();
