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
  const at = quantileBucket(hist, q);
  if (at === null) return null;
  const { i, before, rank } = at;
  const lower = i === 0 ? 0 : LATENCY_BOUNDS_MS[i - 1];
  if (i >= LATENCY_BOUNDS_MS.length) return lower;
  const upper = LATENCY_BOUNDS_MS[i];
  return Math.round(lower + ((upper - lower) * (rank - before)) / hist[i]);
}

/**
 * The bucket holding the q-quantile: its index, the count below it and the rank sought; null without
 * data. Rounding can leave the rank past every bucket: the last non-empty one holds it then.
 */
function quantileBucket(
  counts: readonly number[],
  q: number,
): { i: number; before: number; rank: number } | null {
  let total = 0;
  for (const c of counts) total += c;
  if (total <= 0) return null;
  const rank = q * total;
  let before = 0;
  let last = 0;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] <= 0) continue;
    if (before + counts[i] >= rank) return { i, before, rank };
    before += counts[i];
    last = i;
  }
  return { i: last, before: before - counts[last], rank: before };
}

/**
 * The fine histogram (`latencySketch int[]` in the rollups, beside the coarse `latencyHist`), right to
 * about 5 % from 1 ms up: one bucket per millisecond up to 20 ms (latencies are logged in whole ms, so
 * those are exact), then buckets 10 % wide (like DDSketch's log-spaced buckets), to 10 minutes. Answering
 * the middle of a bucket is then within 5 % of every latency in it. Same rule as the coarse one: never
 * change these bounds in place.
 */
export const SKETCH_BOUNDS_MS: readonly number[] = (() => {
  const bounds: number[] = [];
  for (let ms = 1; ms <= 20; ms++) bounds.push(ms);
  for (let ms = 20; ms < 600_000;) {
    ms = Math.max(ms + 1, Math.floor(ms * 1.1));
    bounds.push(ms);
  }
  return bounds;
})();

export const SKETCH_BUCKETS = SKETCH_BOUNDS_MS.length + 1;

export const SKETCH_BOUNDS_SQL = `ARRAY[${SKETCH_BOUNDS_MS.join(',')}]::int[]`;

export function sketchBucket(latencyMs: number): number {
  let lo = 0;
  let hi = SKETCH_BOUNDS_MS.length;
  // The first bound above latencyMs (binary search: 128 bounds).
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (latencyMs >= SKETCH_BOUNDS_MS[mid]) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function emptySketch(): number[] {
  return new Array<number>(SKETCH_BUCKETS).fill(0);
}

/** Adds `from` into `into` (an empty `from`, a rollup row older than the sketch, adds nothing). */
export function addSketch(into: number[], from: readonly (number | null)[] | null): void {
  if (!from) return;
  for (let i = 0; i < SKETCH_BUCKETS; i++) into[i] += from[i] ?? 0;
}

/**
 * The q-quantile from the fine histogram: the millisecond itself below 20 ms, the middle of the 10 %
 * bucket above (within 5 %), the lower bound of the open last bucket. Null without data.
 */
export function estimateSketchQuantile(sketch: readonly number[], q: number): number | null {
  const at = quantileBucket(sketch, q);
  if (at === null) return null;
  const lower = at.i === 0 ? 0 : SKETCH_BOUNDS_MS[at.i - 1];
  if (at.i >= SKETCH_BOUNDS_MS.length) return lower;
  const upper = SKETCH_BOUNDS_MS[at.i];
  return upper - lower <= 1 ? lower : Math.round((lower + upper) / 2);
}
