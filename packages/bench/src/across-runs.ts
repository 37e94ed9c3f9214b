/** The median of a figure measured once per run (of two runs, their mean). */
export function medianOfRuns(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 ? upper : ((sorted[middle - 1] ?? Number.NaN) + upper) / 2;
}

/**
 * A figure measured once per run, as a report shows it: the median of the runs and, with more
 * than one, their range (the run-to-run spread).
 */
export function withSpread(values: readonly number[], format: (value: number) => string): string {
  const median = format(medianOfRuns(values));
  if (values.length < 2) return median;
  return `${median} (${format(Math.min(...values))}–${format(Math.max(...values))})`;
}

/** A target's verdict over the runs: how many of them met it. */
export function verdict(values: readonly number[], met: (value: number) => boolean): string {
  const n = values.length;
  const missed = values.filter((value) => !met(value)).length;
  if (n === 1) return missed ? "**missed**" : "met";
  const every = n === 2 ? "both runs" : `all ${n} runs`;
  if (missed === 0) return `met in ${every}`;
  return `**missed** in ${missed === n ? every : `${missed} of ${n} runs`}`;
}
