// The markdown report: the machine, the command, and one table of every scenario's rows.
import { cpus } from "node:os";

// The whole document, from the sections the scenarios returned.
export function renderReport(
  sections,
  { command, options, startedAt, elapsedMs, extra, analysis },
) {
  const lines = [
    "# Benchmarks",
    "",
    "codex-actors against the official `@openai/codex-sdk` 0.163.0 and two raw pipe readers, on the",
    "same streams in the same run. **raw** is the floor: spawn, split stdout on `\\n`, `JSON.parse`,",
    "count, in a plain loop. **raw (async gen)** does the same work but hands each event out",
    "through an async generator, as an SDK's `runStreamed` does. Each consumer runs in a fresh Node",
    "process that imports only that consumer; runs alternate (raw, raw (async gen), official,",
    `codex-actors, …), ${options.warmup} warm-up round(s) then ${options.runs} measured (${options.coldRuns} for cold start); every`,
    "figure is the median over the measured runs. Ratios are codex-actors ÷ the baseline.",
    "*process wall* is spawn to exit as the benchmark saw it; *process CPU* is the consumer",
    "process's whole CPU time (user + system, Node's boot included; not the codex binary's).",
    "The CPU is shared (2 cores, other jobs running): single runs vary, medians of alternating runs",
    "are what to read.",
    "",
    `- Machine: ${cpus()[0]?.model ?? "unknown CPU"} × ${cpus().length} cores, ${process.platform} ${process.arch}`,
    `- Node: ${process.version}`,
    `- Date: ${startedAt.toISOString()}`,
    `- Command: \`${command}\` (took ${Math.round(elapsedMs / 1000)} s)`,
    "",
    "| metric | raw | raw (async gen) | official | codex-actors | ÷ official | ÷ raw | target | result |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
  ];
  for (const section of sections.filter((s) => s.rows)) {
    lines.push(`| **${section.title}** | | | | | | | | |`);
    for (const r of section.rows) lines.push(renderRow(r));
  }
  // A scenario whose columns are not the consumers' has a table of its own.
  for (const section of sections.filter((s) => s.markdown)) lines.push("", section.markdown);
  const notes = sections.flatMap((section) => section.notes ?? []);
  if (notes.length > 0) lines.push("", "## Notes", "", ...notes.map((note) => `- ${note}`));
  if (extra) lines.push("", extra.trim());
  if (analysis) lines.push("", analysis.trim());
  return `${lines.join("\n")}\n`;
}

function renderRow({ metric, values, target }) {
  const cells = ["raw", "raw-generator", "official", "actors"].map((c) => formatNumber(values[c]));
  const ratio = (base) =>
    Number.isFinite(values[base]) && values[base] !== 0
      ? `${(values.actors / values[base]).toFixed(2)}×`
      : "—";
  const result = target ? (target.met ? "met" : "**missed**") : "";
  return `| ${metric} | ${cells.join(" | ")} | ${ratio("official")} | ${ratio("raw")} | ${target?.text ?? ""} | ${result} |`;
}

function formatNumber(value) {
  if (value === undefined || !Number.isFinite(value)) return "—";
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString("en");
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}
