import { describe, expect, it } from "@jest/globals";
import { ChildEnvSource } from "../src/process/child-env.js";
import { transportOf, TRANSPORT_NAMES } from "../src/root-machines.js";
import { systemClock } from "../src/supervision/clock.js";
import { DEFAULT_POLICY } from "../src/supervision/policy.js";
import type { TransportOpening } from "../src/transports/transport.js";
import { CodexNotFoundError } from "../src/types/errors.js";
import type { ApprovalHandler, CodexOptions } from "../src/index.js";

// What each transport's session gives a Codex: its service's input, each thread's settings, its
// thread admin — as its capabilities and the Codex's options say.

const opening = (options: CodexOptions = {}): TransportOpening => ({
  options,
  globalFlags: ["-c", 'model="m"'],
  envSource: new ChildEnvSource({ PATH: "/usr/bin" }),
  binary: () => {
    throw new CodexNotFoundError("no binary in this test");
  },
  clock: systemClock,
});

describe.each(TRANSPORT_NAMES)("the %s transport's session", (name) => {
  const { transport } = transportOf(name);

  it("has a thread admin exactly when its capabilities say so, and a service input exactly when it has a service", () => {
    const session = transport.open(opening());
    expect(session.admin !== undefined).toBe(transport.capabilities.threadAdmin);
    expect(session.serviceInput !== undefined).toBe(transport.service !== undefined);
  });

  it("has no process before any turn ran", async () => {
    await expect(transport.open(opening()).whenNoProcess()).resolves.toBeUndefined();
  });
});

describe("the app-server transport's session", () => {
  const { transport } = transportOf("app-server");
  const fromCodex: ApprovalHandler = () => "decline";
  const fromThread: ApprovalHandler = () => "accept";

  it("gives each thread its approval handler and timeout, the thread's over the Codex's", () => {
    const session = transport.open(opening({ onApproval: fromCodex, approvalTimeoutMs: 5_000 }));
    expect(session.threadSettings({})).toMatchObject({
      approvals: { handler: fromCodex, timeoutMs: 5_000 },
    });
    expect(
      session.threadSettings({ onApproval: fromThread, approvalTimeoutMs: 7_000 }),
    ).toMatchObject({ approvals: { handler: fromThread, timeoutMs: 7_000 } });
  });

  it("shares one server among its threads, and gives each Codex its own", () => {
    const first = transport.open(opening());
    const second = transport.open(opening());
    const linkOf = (settings: unknown) => (settings as { link: object }).link;
    expect(linkOf(first.threadSettings({}))).toBe(linkOf(first.threadSettings({ model: "x" })));
    expect(linkOf(first.threadSettings({}))).not.toBe(linkOf(second.threadSettings({})));
  });

  it("bounds the server's restarts by the Codex's policy, and by the defaults without supervision", () => {
    const policy = { maxRestarts: 7, withinMs: 9_000 };
    const bounded = transport.open(opening({ supervision: policy }));
    expect(bounded.serviceInput).toMatchObject({ intensity: policy });
    const unsupervised = transport.open(opening({ supervision: false }));
    const { maxRestarts, withinMs } = DEFAULT_POLICY;
    expect(unsupervised.serviceInput).toMatchObject({ intensity: { maxRestarts, withinMs } });
  });
});
