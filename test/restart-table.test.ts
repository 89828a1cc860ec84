import { describe, expect, it } from "@jest/globals";
import { readFileSync } from "node:fs";
import { CODEX_ERROR_KINDS, CodexError, type CodexErrorKind } from "../src/index.js";
import { DEFAULT_POLICY } from "../src/supervision/policy.js";
import { decideRestart } from "../src/supervision/restart-decision.js";
import { APP_SERVER_FAILURES } from "../src/transports/app-server/app-server-transport.js";
import { execTransport } from "../src/transports/exec/exec-transport.js";

/*
 * docs/supervision.md's table of what is restarted, checked against the restart decision for
 * every kind of error either transport raises: the `under permanent` column (the most lenient
 * policy, side effects allowed) and, where a kind's rows agree, the `transient` column.
 */

type Row = { kinds: string[]; transient: string; permanent: string };

function tableRows(): Row[] {
  const doc = readFileSync(new URL("../docs/supervision.md", import.meta.url), "utf8");
  return doc
    .split("\n")
    .filter((line) => line.startsWith("|") && line.includes("`"))
    .map((line) => line.split("|").map((cell) => cell.trim()))
    .filter((cells) => cells.length === 8 && /^(yes|no|\*\*(yes|no)\*\*)$/.test(cells[3]!))
    .map((cells) => ({
      kinds: [...cells[2]!.matchAll(/`([a-z_]+)`/g)].map((match) => match[1]!),
      transient: cells[3]!.replace(/\*/g, ""),
      permanent: cells[5]!.replace(/\*/g, ""),
    }));
}

/**
 * An error of `kind`, as the decision sees it (its kind, message and cause): a spawn failure for
 * lack of resources, as the table's row says.
 */
function errorOf(kind: CodexErrorKind): CodexError {
  return Object.assign(Object.create(CodexError.prototype) as CodexError, {
    kind,
    message: "codex exited",
    cause: kind === "spawn" ? Object.assign(new Error("spawn"), { code: "EAGAIN" }) : undefined,
  });
}

const decide = (kind: CodexErrorKind, restart: "permanent" | "transient") =>
  decideRestart({
    policy: { ...DEFAULT_POLICY, restart, restartAfterSideEffects: true },
    error: errorOf(kind),
    // The table covers every transport: each adds its own kinds.
    failures: {
      transient: [...execTransport.failures.transient, ...APP_SERVER_FAILURES.transient],
      final: [...execTransport.failures.final, ...APP_SERVER_FAILURES.final],
    },
    sideEffect: null,
    restartTimes: [],
    now: 0,
    random: 0,
  }).restart
    ? "yes"
    : "no";

describe("docs/supervision.md's restart table", () => {
  const rows = tableRows();

  it("names every kind of error", () => {
    const named = new Set(rows.flatMap((row) => row.kinds));
    expect(CODEX_ERROR_KINDS.filter((kind) => !named.has(kind))).toEqual([]);
  });

  it.each(CODEX_ERROR_KINDS.map((kind) => [kind]))("%s: restarted as the table says", (kind) => {
    const own = rows.filter((row) => row.kinds.includes(kind));
    for (const row of own) expect([kind, decide(kind, "permanent")]).toEqual([kind, row.permanent]);
    const transient = new Set(own.map((row) => row.transient));
    if (transient.size === 1)
      expect([kind, decide(kind, "transient")]).toEqual([kind, [...transient][0]]);
  });
});
