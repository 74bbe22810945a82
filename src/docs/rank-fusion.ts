/**
 * Reciprocal rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009): an item's score is the sum over the rankings
 * that hold it of `1 / (k + rank)`, rank counted from 1, with k = 60 as in the paper. It needs no score scales, so a
 * full-text rank and a cosine distance fuse without tuning.
 */
export const RRF_K = 60;

/** The items of `rankings` (each best first), fused best first; items are told apart by `keyOf`. */
export function fuseRankings<T>(
  rankings: readonly (readonly T[])[],
  keyOf: (item: T) => string | number,
  k = RRF_K,
): T[] {
  const scored = new Map<string | number, { item: T; score: number; first: number }>();
  let order = 0;
  for (const ranking of rankings) {
    ranking.forEach((item, index) => {
      const key = keyOf(item);
      const entry = scored.get(key) ?? { item, score: 0, first: order++ };
      entry.score += 1 / (k + index + 1);
      scored.set(key, entry);
    });
  }
  return [...scored.values()].sort((a, b) => b.score - a.score || a.first - b.first).map((entry) => entry.item);
}
