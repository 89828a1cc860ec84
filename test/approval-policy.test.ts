import { describe, expect, it } from "@jest/globals";
import { readFileSync } from "node:fs";
import { allowListed } from "../examples/approval-policy.mjs";
import { mapApprovalRequest } from "../src/transports/app-server/map-approval.js";
import { initialTurnMapState } from "../src/transports/app-server/turn-map-state.js";
import type { ApprovalRequestedEvent } from "../src/types/app-server.js";

// The approval policy docs/app-server.md shows (examples/approval-policy.mjs, word for word), fed
// the events that command approvals map to, from the server's params as codex sends them.

const REPO = "/home/me/repo";
const policy = allowListed(REPO);

/** The `approval.requested` event a command approval with these params maps to. */
function asked(command: string | string[], params: Record<string, unknown> = {}) {
  const request = {
    id: 1,
    method: "item/commandExecution/requestApproval",
    params: { kind: "command", itemId: "call_1", cwd: REPO, command, ...params },
  };
  return mapApprovalRequest(initialTurnMapState(), request).events[0] as ApprovalRequestedEvent;
}

// `rm -rf build` in every wrapping codex uses, and in the ways a script hides a command.
const rmRfBuild: Array<string | string[]> = [
  "/bin/bash -c 'rm -rf build'",
  "/bin/bash -lc 'rm -rf build'",
  "bash -lc 'rm -rf build'",
  "/bin/bash -l -c 'rm -rf build'",
  "bash --login -c 'rm -rf build'",
  "sh -c 'rm -rf build'",
  "/bin/sh -c 'rm -rf build'",
  "/bin/dash -c 'rm -rf build'",
  "zsh -lc 'rm -rf build'",
  "/usr/bin/zsh -lc 'rm -rf build'",
  "rm -rf build",
  ["/bin/bash", "-lc", "rm -rf build"],
  ["rm", "-rf", "build"],
  "/bin/bash -c 'cd sub && rm -rf build'",
  "/bin/bash -c 'cd build/.. && rm -rf build'",
  `/bin/bash -c "bash -lc 'rm -rf build'"`,
  `/bin/bash -c "sh -c 'cd /tmp && rm -rf build'"`,
  "/bin/bash -c 'rm  -rf   build'",
  "/bin/bash -c \"rm -rf 'build'\"",
  "/bin/bash -c 'r\\m -rf build'",
  "/bin/bash -c 'FOO=1 rm -rf build'",
  "/bin/bash -c 'npm test && rm -rf build'",
  "/bin/bash -c 'npm test; rm -rf build'",
  "/bin/bash -c 'npm test || rm -rf build'",
  "/bin/bash -c 'npm test | rm -rf build'",
  "/bin/bash -c 'npm test & rm -rf build'",
  "/bin/bash -c 'npm test\nrm -rf build'",
  "/bin/bash -c 'npm test $(rm -rf build)'",
  "/bin/bash -c 'npm test `rm -rf build`'",
  "/bin/bash -c 'npm test \"$(rm -rf build)\"'",
  "/bin/bash -c '(rm -rf build)'",
  "/bin/bash -c 'eval rm -rf build'",
  "/bin/bash -c 'npm test <(rm -rf build)'",
  "/tmp/evil/bash -c 'npm test'",
];

// The allowed commands, in the wrappings codex uses.
const allowed: Array<string | string[]> = [
  "/bin/bash -c 'npm test'",
  "/bin/bash -lc 'npm test'",
  'bash -lc "npm test"',
  "sh -c 'npm test'",
  "zsh -lc 'npm test'",
  "/bin/bash -c 'npm run lint'",
  "/bin/bash -c 'cd . && npm test'",
  "npm test",
  ["/bin/bash", "-lc", "npm run lint"],
];

describe("the approval policy of docs/app-server.md", () => {
  it.each(rmRfBuild)("declines %j", (command) => {
    expect(policy(asked(command))).toBe("decline");
  });

  it.each(allowed)("accepts %j", (command) => {
    expect(policy(asked(command))).toBe("accept");
  });

  it("declines an allowed command run elsewhere, written otherwise, or not as a command", () => {
    expect(policy(asked("/bin/bash -c 'cd /tmp && npm test'"))).toBe("decline");
    expect(policy(asked("/bin/bash -c 'npm test'", { cwd: "/other" }))).toBe("decline");
    expect(policy(asked("/bin/bash -c 'npm test'", { cwd: undefined }))).toBe("decline");
    expect(policy(asked("/bin/bash -c 'npm test -- --watch'"))).toBe("decline");
    expect(policy(asked("/bin/bash -c 'npm test *'"))).toBe("decline");
    expect(policy(asked("/bin/bash -c 'npm test > out'"))).toBe("decline");
    expect(policy(asked("npm test", { kind: "writeStdin" }))).toBe("decline");
    expect(policy({ ...asked("npm test"), kind: "file_change" })).toBe("decline");
  });

  it("is the code docs/app-server.md shows", () => {
    const doc = readFileSync(new URL("../docs/app-server.md", import.meta.url), "utf8");
    for (const name of ["approval-policy.mjs", "approvals.mjs"]) {
      const source = readFileSync(new URL(`../examples/${name}`, import.meta.url), "utf8");
      expect(doc).toContain("```js\n" + source + "```");
    }
  });
});
