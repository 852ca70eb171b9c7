// Time windows the console offers for charts and log filters, always ending "now".

export const TIME_RANGES = ['15m', '1h', '24h', '7d', '30d'] as const;
export type TimeRange = (typeof TIME_RANGES)[number];

export const DEFAULT_TIME_RANGE: TimeRange = '1h';

export type BucketInterval = 'minute' | 'hour' | 'day';

interface RangeSpec {
  ms: number;
  /** Short label for the picker. */
  label: string;
  /** Full phrase, e.g. for "No requests in the last hour". */
  phrase: string;
  /** Chart bucket size that gives 15–170 bars. */
  interval: BucketInterval;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const TIME_RANGE_SPECS: Record<TimeRange, RangeSpec> = {
  '15m': { ms: 15 * MINUTE, label: '15 min', phrase: 'last 15 minutes', interval: 'minute' },
  '1h': { ms: HOUR, label: '1 h', phrase: 'last hour', interval: 'minute' },
  '24h': { ms: DAY, label: '24 h', phrase: 'last 24 hours', interval: 'hour' },
  '7d': { ms: 7 * DAY, label: '7 d', phrase: 'last 7 days', interval: 'hour' },
  '30d': { ms: 30 * DAY, label: '30 d', phrase: 'last 30 days', interval: 'day' },
};

export function isTimeRange(value: unknown): value is TimeRange {
  return typeof value === 'string' && (TIME_RANGES as readonly string[]).includes(value);
}

/** `[from, to)` as ISO strings for a range ending at `now`. */
export function rangeWindow(range: TimeRange, now = Date.now()): { from: string; to: string } {
  return { from: new Date(now - TIME_RANGE_SPECS[range].ms).toISOString(), to: new Date(now).toISOString() };
}

export const TIME_RANGE_OPTIONS = TIME_RANGES.map((value) => ({
  value,
  label: TIME_RANGE_SPECS[value].label,
  ariaLabel: `Last ${TIME_RANGE_SPECS[value].phrase.replace(/^last /, '')}`,
}));
