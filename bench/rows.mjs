// One line of the results table: a metric's medians per consumer, and its target if it has one.

// A table row; `target` is `{ text, met }` when the metric has a target.
export function row(metric, values, target) {
  return { metric, values, target };
}

const RSS_SLACK_MB = 8;

// The peak-RSS row every scenario has, with its target: within 8 MB of the official SDK.
export function rssRow(metric, values) {
  return row(metric, values, {
    text: `≤ official + ${RSS_SLACK_MB} MB`,
    met: values.actors <= values.official + RSS_SLACK_MB,
  });
}
