/**
 * The queue page's HTML and script: a read-only view of `queueSnapshot()`, polled every second
 * from `/api/queue`. Every value is set as text (never as markup).
 */

/** The page, carrying the server's token for its requests. */
export function queuePageHtml(token: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>codex-actors — queue</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 16px 24px; color: #1d2329; }
h1 { font-size: 18px; margin: 0 0 12px; }
h2 { font-size: 15px; margin: 20px 0 6px; }
#summary { display: flex; gap: 16px; margin-bottom: 8px; }
#summary span { padding: 4px 10px; border-radius: 6px; background: #eef2f5; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #dde3e8; font-variant-numeric: tabular-nums; }
th { color: #56616b; font-weight: 600; }
td.failed { color: #b42318; }
td.completed { color: #1a7f37; }
.empty { color: #7a8691; font-style: italic; }
#status { color: #7a8691; margin-top: 16px; }
</style>
</head>
<body data-token="${token}">
<h1>codex-actors queue</h1>
<div id="summary"></div>
<h2>Workers</h2><div id="workers"></div>
<h2>Running</h2><div id="running"></div>
<h2>Queued</h2><div id="queued"></div>
<h2>Finished</h2><div id="finished"></div>
<div id="status"></div>
<script src="/queue.js?token=${token}"></script>
</body>
</html>`;
}

/** The page's script. */
export const QUEUE_PAGE_SCRIPT = `"use strict";
const token = document.body.dataset.token;
const short = (id) => (id ? String(id).slice(0, 8) : "—");
const time = (at) => (at ? new Date(at).toLocaleTimeString() : "—");
function table(id, columns, rows) {
  const box = document.getElementById(id);
  box.replaceChildren();
  if (rows.length === 0) {
    const empty = document.createElement("div");
    empty.className = "empty";
    empty.textContent = "none";
    box.append(empty);
    return;
  }
  const t = document.createElement("table");
  const head = t.insertRow();
  for (const [title] of columns) {
    const th = document.createElement("th");
    th.textContent = title;
    head.append(th);
  }
  for (const row of rows) {
    const tr = t.insertRow();
    tr.dataset.turn = row.turnId ?? "";
    for (const [, cell, cls] of columns) {
      const td = tr.insertCell();
      td.textContent = cell(row);
      if (cls) td.className = cls(row);
    }
  }
  box.append(t);
}
function render(q) {
  const summary = document.getElementById("summary");
  summary.replaceChildren();
  for (const [label, n] of [["workers", q.workers.length], ["running", q.running.length], ["queued", q.queued.length], ["failed (latest)", q.finished.filter((t) => t.outcome === "failed").length]]) {
    const s = document.createElement("span");
    s.textContent = n + " " + label;
    summary.append(s);
  }
  table("workers", [["worker", (w) => w]], q.workers);
  const turn = [["turn", (t) => short(t.turnId)], ["thread", (t) => short(t.threadId)]];
  table("running", [...turn, ["worker", (t) => t.worker ?? "—"], ["started", (t) => time(t.startedAt)]], q.running);
  table("queued", [...turn, ["enqueued", (t) => time(t.enqueuedAt)]], q.queued);
  table("finished", [...turn, ["outcome", (t) => t.outcome, (t) => t.outcome], ["worker", (t) => t.worker ?? "—"], ["ended", (t) => time(t.finishedAt)], ["error", (t) => t.error ?? ""]], q.finished);
}
async function poll() {
  const status = document.getElementById("status");
  try {
    const answer = await fetch("/api/queue?token=" + encodeURIComponent(token), { cache: "no-store" });
    if (!answer.ok) throw new Error("HTTP " + answer.status);
    render(await answer.json());
    status.textContent = "updated " + new Date().toLocaleTimeString();
  } catch (error) {
    status.textContent = "cannot read the queue: " + error.message;
  }
  setTimeout(poll, 1000);
}
poll();
`;
