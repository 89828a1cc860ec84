// Tools from code: the agent calls a function of this program (here, to file its review),
// served to codex over a loopback MCP server. The handler gets validated arguments; whatever it
// throws or however long it hangs, the model gets an error result and the turn goes on.
import { Codex, tool } from "codex-actors";

const filed = [];
const fileReview = tool({
  name: "file_review",
  description: "Files the review: a verdict and a one-line summary.",
  inputSchema: {
    type: "object",
    properties: {
      verdict: { type: "string", enum: ["approve", "request_changes"] },
      summary: { type: "string" },
    },
    required: ["verdict", "summary"],
  },
  timeoutMs: 10_000, // past it the call is aborted (its `signal`) and answered with an error
  handler: ({ verdict, summary }) => {
    filed.push(`${verdict} (${summary})`); // a real program would post a comment, open a ticket…
    return `Filed as ${verdict}.`;
  },
});

const codex = new Codex();
const thread = codex.startThread({ skipGitRepoCheck: true, tools: [fileReview] });
const turn = await thread.run("Review the change in this folder, then file it with file_review");
for (const item of turn.items)
  if (item.type === "mcp_tool_call") console.log(`${item.tool}: ${item.status}`);
console.log(`filed: ${filed.join(", ")}`);
console.log(turn.finalResponse);
await codex.shutdown();
