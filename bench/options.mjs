// The command line: `--quick` for tiny sizes (CI), size flags to override either preset.

const FULL = {
  runs: 9,
  coldRuns: 11,
  warmup: 2,
  events: 100_000,
  bigItems: 200,
  bigItemMb: 1,
  slowMb: [100, 400],
  latencyEvents: 6_000,
  rate: 2_000,
  realTurns: 20,
  concurrentTurns: 50,
  maxConcurrent: 8,
  idleThreads: 1_000,
  distTurns: 200,
  distWorkers: [1, 2, 4],
  modelBoundTurns: 40,
  only: [1, 2, 3, 4, 5, 6, 7, 8, 9],
  out: "docs/BENCHMARKS.md",
};

const QUICK = {
  ...FULL,
  runs: 1,
  coldRuns: 1,
  warmup: 0,
  events: 5_000,
  bigItems: 5,
  slowMb: [2, 8],
  latencyEvents: 300,
  realTurns: 2,
  concurrentTurns: 10,
  maxConcurrent: 4,
  idleThreads: 200,
  distTurns: 40,
  distWorkers: [1, 2],
  modelBoundTurns: 0,
  out: undefined,
};

const LISTS = new Set(["slowMb", "only", "distWorkers"]);

// Parses `argv` (without node and the script) into the options of a run.
export function parseOptions(argv) {
  const options = { ...(argv.includes("--quick") ? QUICK : FULL), quick: argv.includes("--quick") };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === "--quick") continue;
    if (flag === "--no-write") {
      options.out = undefined;
      continue;
    }
    const key = flag.startsWith("--") ? camelCase(flag.slice(2)) : undefined;
    const value = argv[++i];
    if (!key || !(key in FULL) || value === undefined) {
      throw new Error(
        `Unknown option or missing value: \`${flag}\`. Options: --quick, --no-write, ${Object.keys(
          FULL,
        )
          .map((k) => `--${kebabCase(k)}`)
          .join(", ")}`,
      );
    }
    options[key] = parseValue(key, value, flag);
  }
  return options;
}

function parseValue(key, value, flag) {
  if (key === "out") return value;
  const numbers = value.split(",").map(Number);
  if (numbers.some((n) => !Number.isFinite(n) || n < 0)) {
    throw new Error(
      `Expected \`${flag}\` to be a non-negative number${LISTS.has(key) ? " list" : ""}, got \`${value}\``,
    );
  }
  return LISTS.has(key) ? numbers : numbers[0];
}

const camelCase = (text) => text.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
const kebabCase = (text) => text.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
