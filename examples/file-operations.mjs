// File operations: the agent edits files with apply_patch, and each edit arrives as a
// `file_change` item — which files, added, updated or deleted, and whether the patch applied.
// Here it writes NOTES.md, then updates it; the script prints each change and the file.
import { readFileSync } from "node:fs";
import path from "node:path";
import { Codex } from "codex-actors";

const codex = new Codex();
// workspace-write: the agent may write in its working directory (the default, read-only, would
// refuse the patches); skipGitRepoCheck: the example may run outside a git repository.
const thread = codex.startThread({ sandboxMode: "workspace-write", skipGitRepoCheck: true });
const { events } = await thread.runStreamed(
  "Create NOTES.md with a title, then add a line saying the build is green",
);
for await (const event of events) {
  // A file_change is reported when the patch starts (status in_progress, on the real binary) and
  // when it ends (completed, or failed if it did not apply): keep the completed ones.
  if (event.type !== "item.completed" || event.item.type !== "file_change") continue;
  for (const change of event.item.changes)
    console.log(
      `${event.item.status}: ${change.kind} ${path.relative(process.cwd(), change.path)}`,
    );
}
// The files are on disk once the turn has ended.
console.log(readFileSync("NOTES.md", "utf8").trimEnd());
await codex.shutdown();
