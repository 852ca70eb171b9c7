import fc from 'fast-check';
import {
  LATENCY_BOUNDS_MS,
  LATENCY_BUCKETS,
  SKETCH_BOUNDS_MS,
  SKETCH_BUCKETS,
  addSketch,
  emptySketch,
  estimateQuantile,
  estimateSketchQuantile,
  emptyHistogram,
  latencyBucket,
  sketchBucket,
} from './latency-histogram';
import { planRanges } from './usage-stats.service';

describe('latency histogram', () => {
  it('puts a latency in the bucket whose lower bound it reaches (as width_bucket does)', () => {
    expect(latencyBucket(0)).toBe(0);
    expect(latencyBucket(49)).toBe(0);
    expect(latencyBucket(50)).toBe(1);
    expect(latencyBucket(999)).toBe(6);
    expect(latencyBucket(1000)).toBe(7);
    expect(latencyBucket(60_000)).toBe(LATENCY_BUCKETS - 1);
    expect(latencyBucket(10 ** 9)).toBe(LATENCY_BUCKETS - 1);
  });

  it('estimates percentiles by interpolating inside the bucket', () => {
    const hist = emptyHistogram();
    hist[latencyBucket(150)] = 50; // [100, 200)
    hist[latencyBucket(1200)] = 50; // [1000, 1500)
    expect(estimateQuantile(hist, 0.5)).toBe(200);
    expect(estimateQuantile(hist, 0.25)).toBe(150);
    expect(estimateQuantile(hist, 0.95)).toBe(1450);
    expect(estimateQuantile(emptyHistogram(), 0.5)).toBeNull();
  });

  it('answers the lower bound of the open last bucket', () => {
    const hist = emptyHistogram();
    hist[LATENCY_BUCKETS - 1] = 3;
    expect(estimateQuantile(hist, 0.95)).toBe(LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1]);
  });
});

describe('fine latency histogram', () => {
  it('has whole-millisecond buckets to 20 ms and buckets at most 10 % wide above, to 10 minutes', () => {
    expect(SKETCH_BOUNDS_MS.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    for (let i = 20; i < SKETCH_BOUNDS_MS.length; i++) {
      const [lower, upper] = [SKETCH_BOUNDS_MS[i - 1]!, SKETCH_BOUNDS_MS[i]!];
      expect(upper).toBeGreaterThan(lower);
      expect((upper - lower) / lower).toBeLessThanOrEqual(0.1 + 1e-9);
    }
    expect(SKETCH_BOUNDS_MS[SKETCH_BOUNDS_MS.length - 1]).toBeGreaterThanOrEqual(600_000);
    expect(SKETCH_BUCKETS).toBeLessThan(140);
  });

  it('estimates any whole-millisecond latency to within 5 % (exactly under 20 ms)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 599_999 }), fc.integer({ min: 1, max: 1000 }), (ms, n) => {
        const sketch = emptySketch();
        sketch[sketchBucket(ms)] = n;
        const estimate = estimateSketchQuantile(sketch, 0.5)!;
        if (ms < 20) return estimate === ms;
        return Math.abs(estimate - ms) <= 0.05 * ms + 0.5;
      }),
    );
  });

  it('picks the percentile from the right bucket of a mix, and sums sketches element by element', () => {
    const a = emptySketch();
    const b = emptySketch();
    for (let i = 0; i < 90; i++) a[sketchBucket(3)]++;
    for (let i = 0; i < 10; i++) b[sketchBucket(1500)]++;
    const sum = emptySketch();
    addSketch(sum, a);
    addSketch(sum, b);
    addSketch(sum, null); // a row from before the sketch
    addSketch(sum, []);
    expect(estimateSketchQuantile(sum, 0.5)).toBe(3);
    expect(Math.abs(estimateSketchQuantile(sum, 0.95)! - 1500)).toBeLessThanOrEqual(75);
    expect(estimateSketchQuantile(emptySketch(), 0.5)).toBeNull();
  });
});

describe('planRanges', () => {
  const d = (s: string) => new Date(s);
  const range = (table: string, from: string, to: string) => ({ table, from: d(from), to: d(to) });

  it('reads whole hours from the hourly rollup and the ragged edges from the minute rollup', () => {
    expect(planRanges(d('2026-01-01T10:30:20Z'), d('2026-01-01T14:15:00Z'), 'hour')).toEqual([
      range('UsageRollupHour', '2026-01-01T11:00:00Z', '2026-01-01T14:00:00Z'),
      range('UsageRollup', '2026-01-01T10:30:00Z', '2026-01-01T11:00:00Z'),
      range('UsageRollup', '2026-01-01T14:00:00Z', '2026-01-01T14:15:00Z'),
    ]);
  });

  it('reads whole days from the daily rollup, then hours, then minutes', () => {
    expect(planRanges(d('2026-01-01T22:30:00Z'), d('2026-01-31T01:10:00Z'), 'day')).toEqual([
      range('UsageRollupDay', '2026-01-02T00:00:00Z', '2026-01-31T00:00:00Z'),
      range('UsageRollupHour', '2026-01-01T23:00:00Z', '2026-01-02T00:00:00Z'),
      range('UsageRollup', '2026-01-01T22:30:00Z', '2026-01-01T23:00:00Z'),
      range('UsageRollupHour', '2026-01-31T00:00:00Z', '2026-01-31T01:00:00Z'),
      range('UsageRollup', '2026-01-31T01:00:00Z', '2026-01-31T01:10:00Z'),
    ]);
    // Hourly buckets never read the daily table.
    expect(planRanges(d('2026-01-01T00:00:00Z'), d('2026-01-03T00:00:00Z'), 'hour')).toEqual([
      range('UsageRollupHour', '2026-01-01T00:00:00Z', '2026-01-03T00:00:00Z'),
    ]);
  });

  it('uses only the minute rollup for minute buckets and for less than a whole hour', () => {
    expect(planRanges(d('2026-01-01T10:00:00Z'), d('2026-01-01T14:00:00Z'), 'minute')).toEqual([
      range('UsageRollup', '2026-01-01T10:00:00Z', '2026-01-01T14:00:00Z'),
    ]);
    expect(planRanges(d('2026-01-01T10:10:00Z'), d('2026-01-01T10:50:30Z'), 'day')).toEqual([
      range('UsageRollup', '2026-01-01T10:10:00Z', '2026-01-01T10:51:00Z'),
    ]);
  });
});
