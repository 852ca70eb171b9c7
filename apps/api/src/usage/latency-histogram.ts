/**
 * A fixed latency histogram, stored in every usage rollup row as `latencyHist int[]` so that percentiles
 * can be estimated from any sum of rows. Bucket i counts latencies in [LOWER(i), UPPER(i)): bucket 0 is
 * [0, 50), bucket 1 is [50, 100), …, the last one is [60000, +inf). This is exactly PostgreSQL's
 * `width_bucket(latency, bounds)`, so rollups built in SQL and in the writer agree.
 *
 * Never change these bounds in place: old rows would be read with the wrong edges. Add a new column instead.
 */
export const LATENCY_BOUNDS_MS: readonly number[] = [
  50, 100, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 7500, 10000, 15000, 30000, 60000,
];

/** Number of counts in a histogram (one more than there are bounds). */
export const LATENCY_BUCKETS = LATENCY_BOUNDS_MS.length + 1;

/** The SQL array literal of the bounds, for `width_bucket`. */
export const LATENCY_BOUNDS_SQL = `ARRAY[${LATENCY_BOUNDS_MS.join(',')}]::int[]`;

/** Index of the bucket that counts `latencyMs`. */
export function latencyBucket(latencyMs: number): number {
  let i = 0;
  while (i < LATENCY_BOUNDS_MS.length && latencyMs >= LATENCY_BOUNDS_MS[i]) i++;
  return i;
}

export function emptyHistogram(): number[] {
  return new Array<number>(LATENCY_BUCKETS).fill(0);
}

/** Adds `from` into `into`, element by element. */
export function addHistogram(into: number[], from: readonly number[]): void {
  for (let i = 0; i < LATENCY_BUCKETS; i++) into[i] += from[i] ?? 0;
}

/**
 * Estimates the q-quantile (0 < q < 1) in ms by linear interpolation inside the bucket that holds it, as
 * Prometheus' histogram_quantile does. The open last bucket answers its lower bound. Null without data.
 */
export function estimateQuantile(hist: readonly number[], q: number): number | null {
  let total = 0;
  for (const c of hist) total += c;
  if (total <= 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    const count = hist[i];
    if (count > 0 && seen + count >= rank) {
      const lower = i === 0 ? 0 : LATENCY_BOUNDS_MS[i - 1];
      if (i >= LATENCY_BOUNDS_MS.length) return lower;
      const upper = LATENCY_BOUNDS_MS[i];
      return Math.round(lower + ((upper - lower) * (rank - seen)) / count);
    }
    seen += count;
  }
  return LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1];
}
