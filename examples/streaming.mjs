// Streaming: the turn's events as they happen (items started, updated, completed; usage).
import { Codex } from "codex-actors";

const codex = new Codex();
const thread = codex.startThread({ skipGitRepoCheck: true });
const { events } = await thread.runStreamed("Explain the failing test");
for await (const event of events) {
  if (event.type === "item.completed" && event.item.type === "agent_message")
    console.log(`answer: ${event.item.text}`);
  else if (event.type === "turn.completed") console.log(`tokens: ${event.usage.output_tokens}`);
  else console.log(`event: ${event.type}`);
}
await codex.shutdown();
