// One line of the results table: a metric's medians per consumer, and its target if it has one.

// A table row; `target` is `{ text, met }` when the metric has a target.
export function row(metric, values, target) {
  return { metric, values, target };
}
