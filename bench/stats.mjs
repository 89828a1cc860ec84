// Small statistics for benchmark results.

// The median of a list of numbers.
export function median(values) {
  return percentile(values, 50);
}

// The p-th percentile (nearest rank) of a list of numbers.
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

// The median over runs of one figure read from each result.
export function medianOf(results, read) {
  return median(results.map(read));
}
