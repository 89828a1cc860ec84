// Approvals from code, on the app-server: the agent's commands in this folder run only if the
// policy of approval-policy.mjs allows them (`npm test`, `npm run lint`); each answer is printed.
import { Codex } from "codex-actors";
import { allowListed } from "./approval-policy.mjs";

const repo = process.cwd();
const codex = new Codex({ transport: "app-server", onApproval: allowListed(repo) });
const thread = codex.startThread({
  approvalPolicy: "untrusted",
  sandboxMode: "workspace-write",
  workingDirectory: repo,
});
const { events } = await thread.runStreamed("Fix the failing test");
for await (const event of events) {
  if (event.type === "approval.requested") console.log(`asked: ${event.command}`);
  if (event.type === "approval.resolved") console.log(`answered: ${event.decision}`);
  if (event.type === "item.completed" && event.item.type === "agent_message") {
    console.log(event.item.text);
  }
}
await codex.shutdown();
