// Number and time formatting shared by the console's tables and cards. Every number carries its unit.

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

/** `1,234` */
export function formatInteger(value: number): string {
  return integer.format(value);
}

/** `12.3K` above ten thousand, exact below. */
export function formatCount(value: number): string {
  return Math.abs(value) >= 10_000 ? compact.format(value) : integer.format(value);
}

/** `1,234 tokens`, compacted when large. */
export function formatTokens(value: number): string {
  return `${formatCount(value)} ${value === 1 ? 'token' : 'tokens'}`;
}

/**
 * US dollars with enough digits to tell small costs apart: `$12.35`, `$0.0042`, `$0`.
 * LLM calls often cost fractions of a cent, so two decimals would show most of them as `$0.00`.
 */
export function formatUsd(value: number): string {
  if (value === 0) return '$0';
  const abs = Math.abs(value);
  const digits = abs >= 1 ? 2 : abs >= 0.01 ? 4 : 6;
  return new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits: abs >= 1 ? 2 : 0,
    maximumFractionDigits: digits,
  }).format(value);
}

/** `120 ms`, `1.24 s`; `—` when unknown. */
export function formatMs(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (value < 1000) return `${Math.round(value)} ms`;
  return `${(value / 1000).toFixed(value < 10_000 ? 2 : 1)} s`;
}

/** A ratio in 0..1 as `12.5 %`. */
export function formatPercent(ratio: number, digits = 1): string {
  const pct = ratio * 100;
  if (pct === 0) return '0 %';
  if (pct < 0.1 && digits > 0) return '<0.1 %';
  return `${pct.toFixed(pct >= 100 ? 0 : digits)} %`;
}

/** `2.4 req/min` */
export function formatRate(perMinute: number): string {
  const digits = perMinute >= 100 ? 0 : perMinute >= 10 ? 1 : 2;
  return `${perMinute.toFixed(digits)} req/min`;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });
const shortDateTime = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** `Nov 24, 2026, 3:11:12 PM` */
export function formatDateTime(iso: string): string {
  return dateTime.format(new Date(iso));
}

export function formatDate(iso: string): string {
  return dateOnly.format(new Date(iso));
}

/** Time only for today, month/day + time otherwise: compact enough for a table column. */
export function formatTimestamp(iso: string): string {
  const date = new Date(iso);
  return date.toDateString() === new Date().toDateString()
    ? timeOnly.format(date)
    : shortDateTime.format(date);
}

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** `3 minutes ago`, `in 2 days`, `just now`. */
export function formatRelative(iso: string, now = Date.now()): string {
  const diff = new Date(iso).getTime() - now;
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms) return relative.format(Math.round(diff / ms), unit);
  }
  return 'just now';
}
