import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Codex } from "../codex.js";
import {
  addFile,
  httpError,
  message,
  ModelStandIn,
  reasoning,
  reply,
  shellCommand,
  standInConfig,
} from "../model-stand-in/index.js";
import { keepPageUp } from "./devtools-window.js";
import { formatEvent } from "./format-event.js";

/** What the offline session scripts, and why it restarts a failure the default policy would not. */
export const SCRIPT_NOTE = [
  "The stand-in plays a scripted session. Its first answer is an HTTP 500 on purpose: codex",
  'reports it as `turn.failed` ("We\'re currently experiencing high demand"). By default such a',
  "service failure is not restarted (codex has already retried it); this demo opts in with",
  "`supervision: { restartServiceFailures: true }` to show a supervised restart. The next",
  "attempt runs a shell command, writes NOTE.md with a real apply_patch, and answers.",
].join("\n");

/**
 * The offline demo: the real codex binary runs a scripted session against the bundled model
 * stand-in (a shell command, a file edit, a final answer) in a temporary folder; the stand-in's
 * first answer is an HTTP 500, which supervision restarts. With CODEX_API_KEY set it asks the real
 * service instead. The devtools page is served meanwhile (its URL printed) unless `--no-devtools`.
 */
async function main(): Promise<void> {
  const devtools = !process.argv.includes("--no-devtools");
  const online = Boolean(process.env.CODEX_API_KEY);
  const root = mkdtempSync(path.join(tmpdir(), "codex-actors-demo-"));
  const home = path.join(root, "home");
  const work = path.join(root, "work");
  for (const dir of [home, work]) mkdirSync(dir);
  const standIn = online
    ? undefined
    : await ModelStandIn.start([
        httpError(500, "the stand-in fails the first request, to show a supervised restart"),
        reply(
          reasoning("List the folder, then write a note."),
          shellCommand("echo hello from codex && pwd"),
        ),
        reply(
          addFile("NOTE.md", "# Written by codex\nThis file was created by a real apply_patch."),
        ),
        reply(message("I ran `echo` and `pwd`, and wrote NOTE.md.")),
      ]);
  try {
    const codex = standIn
      ? new Codex({
          apiKey: "offline-demo",
          config: standInConfig(standIn.url),
          env: { PATH: process.env.PATH ?? "", HOME: home, CODEX_HOME: home },
          supervision: {
            restartServiceFailures: true,
            backoff: { initialMs: 1_500, jitter: false },
          },
        })
      : new Codex();
    const page = devtools ? await codex.devtools() : undefined;
    const thread = codex.startThread({
      model: standIn ? "gpt-5.5" : undefined,
      workingDirectory: work,
      skipGitRepoCheck: true,
      sandboxMode: standIn ? "danger-full-access" : "workspace-write",
    });
    console.log(
      `codex-actors demo (${online ? "real service" : "offline, local model stand-in"}) in ${work}`,
    );
    if (standIn) console.log(`\n${SCRIPT_NOTE}\n`);
    console.log(page ? `devtools: ${page.url}\n` : "");
    const { events } = await thread.runStreamed(
      "Run `echo hello from codex && pwd`, then create NOTE.md saying who wrote it, then summarise.",
    );
    for await (const event of events) console.log(formatEvent(event));
    console.log(`\nNOTE.md:\n${readFileSync(path.join(work, "NOTE.md"), "utf8")}`);
    if (page) await keepPageUp(page.url);
    await codex.shutdown();
  } finally {
    await standIn?.close();
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
