import { afterAll, describe, expect, it } from "@jest/globals";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { readCommand } from "../src/transports/app-server/read-command.js";

const CWD = "/repo";

// The command lines as codex 0.169 reports them (`/bin/bash -c 'npm test'`, `-lc` with a login
// shell: seen on the real binary), the other shells and spellings a server may use, and codex's
// own quoting of a script with a quote in it (`"…'"'$'"'…"`).
const simple: Array<[line: string | string[], argv: string[], cwd?: string]> = [
  ["/bin/bash -c 'npm test'", ["npm", "test"]],
  ["/bin/bash -lc 'npm test'", ["npm", "test"]],
  ['bash -lc "npm test"', ["npm", "test"]],
  ["/usr/bin/bash -cl 'npm test'", ["npm", "test"]],
  ["/bin/bash -l -c 'npm test'", ["npm", "test"]],
  ["bash --login -c 'npm test'", ["npm", "test"]],
  ["sh -c 'npm test'", ["npm", "test"]],
  ["/bin/sh -c 'npm test'", ["npm", "test"]],
  ["/bin/dash -c 'npm test'", ["npm", "test"]],
  ["zsh -lc 'npm test'", ["npm", "test"]],
  ["/usr/bin/zsh -lc 'npm test'", ["npm", "test"]],
  ["/opt/homebrew/bin/zsh -lc 'npm test'", ["npm", "test"]],
  ["/usr/local/bin/bash -c 'npm run lint'", ["npm", "run", "lint"]],
  ["npm test", ["npm", "test"]],
  [
    ["/bin/bash", "-lc", "npm test"],
    ["npm", "test"],
  ],
  [
    ["npm", "run", "lint"],
    ["npm", "run", "lint"],
  ],
  [
    ["rm", "-rf", "a b"],
    ["rm", "-rf", "a b"],
  ],
  // A leading `cd dir &&` is where the command runs.
  ["/bin/bash -lc 'cd sub && rm -rf build'", ["rm", "-rf", "build"], "/repo/sub"],
  ["bash -lc 'cd /tmp/x && npm test'", ["npm", "test"], "/tmp/x"],
  ["bash -lc 'cd ../other && npm test'", ["npm", "test"], "/other"],
  ["bash -lc 'cd a && cd b && make'", ["make"], "/repo/a/b"],
  ["bash -lc \"cd 'my dir' && ls\"", ["ls"], "/repo/my dir"],
  // Quoting and escapes, read as bash reads them.
  [`/bin/bash -c "git commit -m 'it'\\\\''s'"`, ["git", "commit", "-m", "it's"]],
  [`/bin/bash -c "grep 'x"'$'"' f"`, ["grep", "x$", "f"]],
  [`/bin/bash -c "printf 'a\\\\nb'"`, ["printf", "a\\nb"]],
  ["bash -lc 'grep -rn \"a|b; c && d\" src'", ["grep", "-rn", "a|b; c && d", "src"]],
  ["bash -lc 'grep \"x*\" f'", ["grep", "x*", "f"]],
  ["bash -lc \"grep '[a]{b}~\\$(x)' f\"", ["grep", "[a]{b}~$(x)", "f"]],
  ["bash -lc 'rm\\ -rf x'", ["rm -rf", "x"]],
  ["bash -lc 'r\\m -rf x'", ["rm", "-rf", "x"]],
  ["bash -lc \"ls ''\"", ["ls", ""]],
  ["bash -lc 'ls a\"b\"c'", ["ls", "abc"]],
  ['bash -lc \'echo "a\\"b"\'', ["echo", 'a"b']],
  ["bash -lc 'npm   test\t--silent'", ["npm", "test", "--silent"]],
  ["bash -lc 'env FOO=1 npm test'", ["env", "FOO=1", "npm", "test"]],
  ["bash -lc 'npm run x -- --flag=1'", ["npm", "run", "x", "--", "--flag=1"]],
  // A shell inside the shell is unwrapped too.
  [`bash -lc "sh -c 'npm test'"`, ["npm", "test"]],
  [
    `bash -lc "cd sub && bash -c 'cd deeper && rm -rf build'"`,
    ["rm", "-rf", "build"],
    "/repo/sub/deeper",
  ],
];

// What is not one simple command, with (a part of) the reason given.
const notSimple: Array<[line: string | string[], why: string]> = [
  ["bash -lc 'npm test | tee log'", "operator (|)"],
  ["bash -lc 'npm test; rm -rf x'", "operator (;)"],
  ["bash -lc 'npm test && rm -rf x'", "operator (&&)"],
  ["bash -lc 'cd sub && npm test && rm -rf x'", "operator (&&)"],
  ["bash -lc 'npm test || rm -rf x'", "operator (||)"],
  ["bash -lc 'rm -rf x &'", "operator (&)"],
  ["bash -lc 'npm test > out'", "operator (>)"],
  ["bash -lc 'npm test 2>&1'", "operator (>&)"],
  ["bash -lc 'cat < /etc/passwd'", "operator (<)"],
  ["bash -lc 'cat <<< x'", "operator (<<<)"],
  ["bash -lc 'cat <<EOF\nrm -rf x\nEOF'", "line break"],
  ["bash -lc '(rm -rf x)'", "operator (()"],
  ["bash -lc '{ rm -rf x; }'", "[, {, ~"],
  ["bash -lc 'cat <(rm -rf x)'", "operator (<()"],
  ["bash -lc 'echo $(rm -rf x)'", "$ expansion"],
  ["bash -lc 'echo \"$(rm -rf x)\"'", "$ expansion"],
  ["bash -lc 'echo $((1+2))'", "$ expansion"],
  ["bash -lc 'echo `rm -rf x`'", "backtick"],
  ["bash -lc 'echo \"`rm -rf x`\"'", "backtick"],
  ["bash -lc 'rm -rf $HOME'", "$ expansion"],
  ["bash -lc 'rm -rf \"$HOME\"'", "$ expansion"],
  ["bash -lc 'rm -rf ${HOME}'", "$ expansion"],
  ["bash -lc '$CMD'", "$ expansion"],
  ["bash -lc 'rm -rf *.txt'", "glob"],
  ["bash -lc 'rm -rf ?'", "glob"],
  ["bash -lc 'rm -rf [ab]'", "[, {, ~"],
  ["bash -lc 'rm -rf {a,b}'", "[, {, ~"],
  ["bash -lc 'rm -rf ~/x'", "[, {, ~"],
  ["bash -lc 'git log HEAD~1'", "[, {, ~"],
  ["bash -lc \"\\$'rm' -rf x\"", "[, {, ~ or $'…'"],
  ["bash -lc 'FOO=1 rm -rf x'", "environment assignment (FOO=…)"],
  ["bash -lc 'PATH=. npm test'", "environment assignment (PATH=…)"],
  ["bash -lc 'cd sub && LD_PRELOAD=x.so npm test'", "environment assignment"],
  ["bash -lc 'if true; then rm -rf x; fi'", "operator (;)"],
  ["bash -lc '! rm -rf x'", "reserved word (!)"],
  ["bash -lc 'time rm -rf x'", "reserved word (time)"],
  ["zsh -lc '=rm -rf x'", "starting with ="],
  ["bash -lc 'npm test # rm'", "comment"],
  ["bash -lc 'npm test\nrm -rf x'", "line break"],
  ["bash -lc 'npm test\rrm -rf x'", "line break"],
  ["bash -lc 'rm \\\n-rf x'", "line break"],
  ["bash -lc 'npm\u00a0test'", "unusual space"],
  ["bash -lc 'cd $HOME && rm -rf x'", "$ expansion"],
  ["bash -lc 'cd && rm -rf x'", "operator (&&)"],
  ["bash -lc 'cd \"\" && rm -rf x'", "not to one directory"],
  ["bash -lc 'cd - && rm -rf x'", "not to one directory"],
  ["bash -lc 'cd sub; rm -rf x'", "operator (;)"],
  ["/tmp/evil/bash -c 'npm test'", "outside the system folders"],
  ["./bash -c 'npm test'", "outside the system folders"],
  ["bash -ic 'npm test'", "otherwise than with -c"],
  ["bash -c 'npm test' extra", "otherwise than with -c"],
  ["bash script.sh", "otherwise than with -c"],
  ["bash", "otherwise than with -c"],
  ["bash -c ''", "no command"],
  ["", "no command"],
  [[], "no command"],
  [["bash", "-lc", "rm -rf x | cat"], "operator (|)"],
  ["npm test | cat", "operator (|)"],
  ["FOO=1 npm test", "environment assignment"],
  ["bash -lc 'echo ${'", "unreadable"],
  ["bash -lc 'npm test \"'", "unterminated quote"],
  [`bash -lc "npm test '"`, "unterminated quote"],
  ["bash -lc 'npm test \\'", "trailing backslash"],
];

describe("readCommand: the command an approval asks for, as its user means it", () => {
  it.each(simple)("%j is argv %j", (line, argv, cwd = CWD) => {
    expect(readCommand(line, CWD)).toEqual({ simple: true, argv, cwd });
  });

  it.each(notSimple)("%j is not one simple command: %s", (line, why) => {
    const read = readCommand(line, CWD);
    expect(read).toMatchObject({ simple: false, argv: null, cwd: CWD });
    expect(read.simple === false && read.why).toContain(why);
  });

  it("a relative cd with no working directory to resolve it against is not read", () => {
    expect(readCommand("bash -lc 'cd sub && ls'")).toMatchObject({ simple: false });
    expect(readCommand("bash -lc 'cd /abs && ls'")).toEqual({
      simple: true,
      argv: ["ls"],
      cwd: "/abs",
    });
  });

  it("shells nested past the limit are not read", () => {
    let line = "npm test";
    for (let i = 0; i < 5; i++) line = `bash -c ${JSON.stringify(line)}`;
    expect(readCommand(line, CWD)).toMatchObject({ simple: false, why: "shells nested too deep" });
  });
});

// What is read as simple is what bash and dash run: scripts of shell-ish characters, with a
// recording program first, run by the real shells with nothing else on PATH; whenever readCommand
// gives an argv, the shell ran exactly that program with exactly those arguments, in that folder.
describe("readCommand agrees with the real shells", () => {
  const root = mkdtempSync(path.join(tmpdir(), "codex-actors-read-command-"));
  const bin = path.join(root, "bin");
  const work = path.join(root, "work");
  mkdirSync(bin);
  mkdirSync(path.join(work, "sub"), { recursive: true });
  const recorder = path.join(bin, "rec");
  writeFileSync(recorder, '#!/bin/sh\nprintf \'%s\\0\' "$PWD" "$@"\n');
  chmodSync(recorder, 0o755);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** What `shell -c script` runs, as the recorder saw it: [cwd, ...args], or null. */
  function ran(shell: string, script: string): string[] | null {
    try {
      const out = execFileSync(shell, ["-c", script], {
        cwd: work,
        env: { PATH: bin, HOME: work },
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
        timeout: 5_000,
      });
      return out === "" ? null : out.split("\0").slice(0, -1);
    } catch {
      return null;
    }
  }

  const piece = fc.constantFrom(
    ..."a b = - ~ * ? [ ] { } , $ ( ) | & ; < > # ! ` \\ \t \n".split(" "),
    " ",
    " ",
    "'",
    '"',
    "x'y z'",
    '"x y"',
    "$'a'",
    "${a}",
    "a=b ",
    "cd sub && ",
    "\\ ",
    "\\'",
    '\\"',
  );
  const script = fc
    .array(piece, { maxLength: 10 })
    .map((pieces) => `rec ${pieces.join("")}`)
    .chain((rest) => fc.constantFrom(rest, `cd sub && ${rest}`));

  for (const shell of ["/bin/bash", "/bin/sh"]) {
    it(`${shell}: every argv it reads is what ${shell} runs`, () => {
      let readSimple = 0;
      fc.assert(
        fc.property(script, (body) => {
          const read = readCommand([shell, "-c", body], work);
          if (!read.simple) return;
          readSimple++;
          expect([body, ran(shell, body)]).toEqual([body, [read.cwd, ...read.argv.slice(1)]]);
          expect(read.argv[0]).toBe("rec");
        }),
        { numRuns: 150, seed: 20 },
      );
      // The property says something only if many scripts were read as simple.
      expect(readSimple).toBeGreaterThan(30);
    });
  }
});
