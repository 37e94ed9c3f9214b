/**
 * Every order of `items`. Interleaved benchmarks go through them in turn: each contender is charged
 * for what the one before it left running (a streamText keeps working after its stream ends), so
 * each must follow each other one equally often, which a rotation alone does not do.
 */
export function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}
