import { describe, expect, it } from "@jest/globals";
import { Codex, type TransportName } from "../src/index.js";
import { message, reply, shellCommand } from "../src/model-stand-in/index.js";
import { UnsupportedError } from "../src/types/app-server-errors.js";
import { CodexConfigError, InvalidOptionError, ShutdownError } from "../src/types/errors.js";
import { fileURLToPath } from "node:url";
import { MODEL, realCodex } from "./support/real-codex.js";
import { tracked } from "./support/rig-registry.js";

describe("thread management on the app-server", () => {
  it.each(["exec", "app-server"] as const)(
    "on %s, a turn of a second Thread object of a running thread is refused (CodexConfigError, not restarted); once the first ends, it runs",
    async (transport) => {
      const rig = await realCodex([
        reply(message("first")),
        reply(shellCommand("sleep 3")),
        reply(message("mine")),
        reply(message("theirs")),
      ]);
      const codex = rig.makeCodex({ transport, supervision: { restart: "permanent" } });
      const started = rig.startThread(codex);
      await started.run("hello");
      const { events, result } = await started.runStreamed("run the command");
      for (;;) {
        const { done, value } = await events.next();
        if (done) throw new Error("the turn ended before its command started");
        if (value.type === "item.started" && value.item.type === "command_execution") break;
      }
      const other = codex.resumeThread(started.id!, {
        model: MODEL,
        skipGitRepoCheck: true,
        workingDirectory: rig.workdir,
        sandboxMode: "danger-full-access",
      });
      const refused = await other.run("me too").catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(CodexConfigError);
      expect(refused).toMatchObject({
        refusal: expect.stringMatching(/already has an active writer/),
        notRetried: expect.stringContaining("configuration"),
      });

      while (!(await events.next()).done);
      expect((await result).finalResponse).toBe("mine");
      expect((await other.run("now")).finalResponse).toBe("theirs");
      expect(rig.standIn.requests).toHaveLength(4);
      expect(JSON.stringify(rig.standIn.requests.map((r) => r.body))).not.toContain("me too");
    },
  );

  it("setName, listThreads, fork and archive round-trip through the sessions store", async () => {
    const rig = await realCodex([reply(message("one")), reply(message("forked"))]);
    const codex = rig.makeCodex({ transport: "app-server" });
    const thread = rig.startThread(codex);
    await thread.run("first question");
    await thread.setName("build fixer");

    const listed = await codex.listThreads({ cwd: rig.workdir });
    expect(listed.threads).toContainEqual(
      expect.objectContaining({ id: thread.id, name: "build fixer", cwd: rig.workdir }),
    );

    const branch = await thread.fork();
    expect(branch.id).toEqual(expect.any(String));
    expect(branch.id).not.toBe(thread.id);
    expect((await branch.run("and then?")).finalResponse).toBe("forked");
    // The fork carries the original's history to the model.
    expect(JSON.stringify(rig.standIn.requests[1]!.body)).toContain("first question");

    await thread.archive();
    const active = await codex.listThreads({ cwd: rig.workdir });
    expect(active.threads.map((t) => t.id)).not.toContain(thread.id);
    expect(active.threads.map((t) => t.id)).toContain(branch.id);
    const archived = await codex.listThreads({ cwd: rig.workdir, archived: true });
    expect(archived.threads.map((t) => t.id)).toContain(thread.id);
    await thread.unarchive();
    const back = await codex.listThreads({ cwd: rig.workdir });
    expect(back.threads.map((t) => t.id)).toContain(thread.id);

    await branch.delete();
    const left = await codex.listThreads({ cwd: rig.workdir });
    expect(left.threads.map((t) => t.id)).not.toContain(branch.id);
    expect(left.threads.map((t) => t.id)).toContain(thread.id);
  });

  it("resumes, on the app-server, a thread started on the exec transport (same sessions store)", async () => {
    const rig = await realCodex([reply(message("from exec")), reply(message("from app-server"))]);
    const first = rig.startThread();
    await first.run("remember the number 42");
    const codex = rig.makeCodex({ transport: "app-server" });
    const resumed = codex.resumeThread(first.id!, {
      model: "gpt-5.5",
      workingDirectory: rig.workdir,
    });
    expect((await resumed.run("which number?")).finalResponse).toBe("from app-server");
    expect(resumed.id).toBe(first.id);
    expect(JSON.stringify(rig.standIn.requests[1]!.body)).toContain("remember the number 42");
  });

  it("lists the models, and says how the server is signed in", async () => {
    const rig = await realCodex();
    const codex = rig.makeCodex({ transport: "app-server" });
    const models = await codex.models();
    expect(models.length).toBeGreaterThan(0);
    expect(models[0]).toEqual(
      expect.objectContaining({ id: expect.any(String), displayName: expect.any(String) }),
    );
    const account = await codex.account();
    // The stand-in is a custom model provider: no OpenAI sign-in is needed, none is there.
    expect(account).toEqual({ type: null, requiresOpenaiAuth: false });
  });

  it("lists the configured MCP servers with their tools; rate limits need a ChatGPT sign-in", async () => {
    const rig = await realCodex();
    const echo = fileURLToPath(new URL("./fixtures/mcp-echo.mjs", import.meta.url));
    const codex = rig.makeCodex({
      transport: "app-server",
      configOverrides: [
        `mcp_servers.echo.command=${JSON.stringify(process.execPath)}`,
        `mcp_servers.echo.args=[${JSON.stringify(echo)}]`,
      ],
    });
    // codex starts its MCP servers in the background: ask until the tools are listed.
    let servers = await codex.mcpServers();
    for (let tries = 0; tries < 100 && servers[0]?.tools.length !== 1; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      servers = await codex.mcpServers();
    }
    expect(servers).toEqual([
      expect.objectContaining({ name: "echo", tools: ["echo"], error: null }),
    ]);
    await expect(codex.rateLimits()).rejects.toMatchObject({
      name: "AppServerRequestError",
      serverMessage: expect.stringContaining("authentication required"),
    });
  });

  it("on exec, management rejects with UnsupportedError; before the first turn, with InvalidOptionError", async () => {
    // A type error on an exec `Codex` (test/package-surface.test.ts); at run time, this:
    const codex = tracked(new Codex()) as Codex<TransportName>;
    await expect(codex.listThreads()).rejects.toBeInstanceOf(UnsupportedError);
    await expect(codex.models()).rejects.toBeInstanceOf(UnsupportedError);
    await expect(codex.startThread().archive()).rejects.toBeInstanceOf(UnsupportedError);
    await expect(codex.startThread().delete()).rejects.toBeInstanceOf(UnsupportedError);
    const onServer = tracked(new Codex({ transport: "app-server" }));
    await expect(onServer.startThread().fork()).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(onServer.startThread().setName("")).rejects.toBeInstanceOf(InvalidOptionError);
    await onServer.shutdown();
    await expect(onServer.listThreads()).rejects.toBeInstanceOf(ShutdownError);
    const resumed = onServer.resumeThread("0199a213-81c0-7800-8aa1-bbab2a035a53");
    await expect(resumed.fork()).rejects.toBeInstanceOf(ShutdownError);
  });
});
