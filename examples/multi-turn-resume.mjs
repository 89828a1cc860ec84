// Multi-turn and resume: the turns of a thread continue one conversation; its id resumes it
// later, from another Codex (another process, another day).
import { Codex } from "codex-actors";

const codex = new Codex();
const thread = codex.startThread({ skipGitRepoCheck: true });
console.log(`first: ${(await thread.run("Find the flaky test")).finalResponse}`);
console.log(`second: ${(await thread.run("Now fix it")).finalResponse}`);
const threadId = thread.id;
await codex.shutdown();

const later = new Codex();
const resumed = later.resumeThread(threadId, { skipGitRepoCheck: true });
console.log(`resumed: ${(await resumed.run("Did the fix hold?")).finalResponse}`);
console.log(`same thread: ${resumed.id === threadId}`);
await later.shutdown();
