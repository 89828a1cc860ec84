import { describe, expect, it } from "@jest/globals";
import { spawn } from "node:child_process";
import {
  descendantsIn,
  descendantsOf,
  processTable,
  type ProcessRow,
} from "../src/process/process-tree.js";
import { eventually } from "./support/processes.js";
import { atTeardown } from "./support/rig-registry.js";

/*
 * Finding what a codex process left running. Where the kernel keeps no lists of children (macOS,
 * or a Linux without them), the tree is read from the whole process table: that walk must find
 * the same processes the kernel's lists do.
 */

const byNumber = (a: number, b: number) => a - b;

const row = (pid: number, ppid: number): ProcessRow => ({
  pid,
  ppid,
  pgrp: pid,
  session: pid,
  zombie: false,
  start: "",
});

describe("descendantsIn(table, root)", () => {
  it("finds children and their children at any depth, and nothing outside the tree", () => {
    const table = [
      row(1, 0),
      row(100, 1), // the root
      row(101, 100),
      row(102, 100),
      row(103, 101),
      row(104, 103),
      row(200, 1), // the root's sibling, and its child
      row(201, 200),
    ];
    expect(
      descendantsIn(table, 100)
        .map((found) => found.pid)
        .sort(byNumber),
    ).toEqual([101, 102, 103, 104]);
    expect(descendantsIn(table, 104)).toEqual([]);
    expect(descendantsIn(table, 999)).toEqual([]);
  });

  it("read from this machine's process table, finds the live tree the kernel's lists give", async () => {
    // A shell with two children, one of which has a child of its own.
    const shell = spawn("sh", ["-c", "sleep 30 & sh -c 'sleep 30 & wait' & wait"], {
      stdio: "ignore",
      detached: true,
    });
    atTeardown("a sleeping shell tree", () => {
      if (shell.pid !== undefined) process.kill(-shell.pid, "SIGKILL");
    });
    const root = shell.pid!;
    await eventually(() => descendantsOf(root).length === 3, "the shell's tree to start");
    const fromTable = descendantsIn(processTable(), root).map((found) => found.pid);
    expect(fromTable.sort(byNumber)).toEqual(descendantsOf(root).sort(byNumber));
  });
});
