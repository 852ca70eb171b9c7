import type { AttemptStats, Deployment, DeploymentAttempts } from '@switchboard/contracts';
import type { BadgeTone } from '@/components/ui';
import { formatPercent } from '@/components/ui/format';
import { TIME_RANGE_SPECS, type TimeRange } from '@/components/ui/time-range';

// How each deployment's attempts (retries and fallbacks included) read on the Deployments page: the badge, the
// error-rate summary and the sparkline. Pure functions of the API's answers and the clock.

/** The windows the attempts summary offers. */
export const ATTEMPT_RANGES = ['1h', '24h'] as const satisfies readonly TimeRange[];
export type AttemptRange = (typeof ATTEMPT_RANGES)[number];

/** The badge judges the last 15 minutes, read from the last hour's minute buckets. */
export const BADGE_RANGE: AttemptRange = '1h';
export const FAILING_WINDOW_MS = 15 * 60_000;
export const FAILING_MIN_ATTEMPTS = 5;
export const FAILING_ERROR_RATE = 0.2;

export interface AttemptCounts {
  attempts: number;
  failed: number;
}

/**
 * A deployment still in rotation is failing when at least 20 % of at least 5 attempts failed in the last
 * 15 minutes. Retries on other deployments answer those requests, so neither clients nor the router
 * (under a high allowedFails) notice; fewer attempts are too few to call it, and an older burst no
 * longer says how the upstream is now.
 */
export function isFailing(recent: AttemptCounts): boolean {
  return recent.attempts >= FAILING_MIN_ATTEMPTS && recent.failed / recent.attempts >= FAILING_ERROR_RATE;
}

/** Attempts and failures in the minute buckets that started within `windowMs` before `now`. */
export function countSince(
  buckets: DeploymentAttempts['buckets'],
  now: number,
  windowMs = FAILING_WINDOW_MS,
): AttemptCounts {
  const since = now - windowMs;
  let attempts = 0;
  let failed = 0;
  for (const b of buckets) {
    if (Date.parse(b.bucket) < since) continue;
    attempts += b.attempts;
    failed += b.failed;
  }
  return { attempts, failed };
}

export type HealthKind =
  | 'disabled'
  | 'credentials_rejected'
  | 'cooling_down'
  | 'failing'
  | 'last_failed'
  | 'healthy'
  /** In rotation, but the attempt counts could not be loaded: no claim either way. */
  | 'unknown';

export const HEALTH_BADGES: Record<HealthKind, { label: string; tone: BadgeTone }> = {
  disabled: { label: 'Disabled', tone: 'neutral' },
  credentials_rejected: { label: 'Credentials rejected', tone: 'danger' },
  cooling_down: { label: 'Cooling down', tone: 'warn' },
  failing: { label: 'Failing', tone: 'warn' },
  last_failed: { label: 'Last call failed', tone: 'warn' },
  healthy: { label: 'Healthy', tone: 'success' },
  unknown: { label: 'In rotation', tone: 'neutral' },
};

/**
 * The badge: benched (the router's own verdict) first, then a high recent error rate, then a last call that
 * failed, however long ago (a failed "Test connection" is not an attempt, so only the live state knows of
 * it; and a deployment that failed and then got no traffic has not recovered). "Healthy" only when none of
 * these holds. `recent`: the deployment's last-hour attempts, `null` when they are unknown.
 */
export function healthOf(
  deployment: Pick<Deployment, 'state'>,
  recent: DeploymentAttempts['buckets'] | null,
  now: number,
): HealthKind {
  const { state } = deployment;
  if (state.status === 'disabled') return 'disabled';
  if (state.status === 'cooling_down')
    return state.cooldownReason === 'auth' ? 'credentials_rejected' : 'cooling_down';
  if (recent !== null && isFailing(countSince(recent, now))) return 'failing';
  if (lastCallFailed(state)) return 'last_failed';
  return recent === null ? 'unknown' : 'healthy';
}

/** The most recent outcome (attempt or test) was a failure. */
function lastCallFailed(state: Deployment['state']): boolean {
  if (state.lastErrorAt === null) return false;
  return state.lastSuccessAt === null || Date.parse(state.lastSuccessAt) < Date.parse(state.lastErrorAt);
}

/** `server ×12, timeout ×3`: the `limit` most frequent failure kinds, most frequent first. */
export function topFailureKinds(failuresByKind: Record<string, number>, limit = 2): string {
  const kinds = Object.entries(failuresByKind)
    .filter(([, n]) => n > 0)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  const shown = kinds.slice(0, limit).map(([kind, n]) => `${kind.replace(/_/g, ' ')} ×${n}`);
  const more = kinds.length - limit;
  return more > 0 ? `${shown.join(', ')} +${more}` : shown.join(', ');
}

/** Every failure kind, for a tooltip: `server ×12, timeout ×3, auth ×1`. */
export function allFailureKinds(failuresByKind: Record<string, number>): string {
  return topFailureKinds(failuresByKind, Number.POSITIVE_INFINITY);
}

/** `just now`, `42 s ago`, `3 min ago`, `2 h ago`, `3 d ago`. */
export function formatAgo(iso: string, now: number): string {
  const seconds = Math.floor((now - Date.parse(iso)) / 1000);
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

/** `Probe: OK 12 ms, 20 s ago` / `Probe: HTTP 401, 5 s ago`; null when none was made yet. */
export function describeLastProbe(state: Deployment['state'], now: number): string | null {
  const probe = state.lastProbe;
  if (!probe) return null;
  const outcome = probe.ok
    ? `OK ${Math.round(probe.latencyMs)} ms`
    : probe.status !== null
      ? `HTTP ${probe.status}`
      : 'unreachable';
  return `Probe: ${outcome}, ${formatAgo(probe.at, now)}`;
}

/** The sparkline's steps: 12 of 5 minutes over an hour, 24 of an hour over a day. */
const SPARK_STEPS: Record<AttemptRange, { count: number; ms: number; word: string }> = {
  '1h': { count: 12, ms: 5 * 60_000, word: '5-minute' },
  '24h': { count: 24, ms: 60 * 60_000, word: 'hourly' },
};

export interface SparkPoint {
  /** Start of the step (epoch ms). */
  t: number;
  attempts: number;
  failed: number;
  /** failed / attempts; null for a step without attempts (drawn as nothing, not as 0 %). */
  rate: number | null;
}

/** The buckets summed into the sparkline's fixed steps, the last one ending at `to`. */
export function sparkSeries(
  buckets: DeploymentAttempts['buckets'],
  range: AttemptRange,
  to: number,
): SparkPoint[] {
  const { count, ms } = SPARK_STEPS[range];
  const start = to - count * ms;
  const points: SparkPoint[] = Array.from({ length: count }, (_, i) => ({
    t: start + i * ms,
    attempts: 0,
    failed: 0,
    rate: null,
  }));
  for (const b of buckets) {
    // A bucket counts in the step its start falls in; a first partial bucket goes to the first step.
    const index = Math.min(count - 1, Math.max(0, Math.floor((Date.parse(b.bucket) - start) / ms)));
    const point = points[index];
    if (!point) continue;
    point.attempts += b.attempts;
    point.failed += b.failed;
  }
  for (const p of points) p.rate = p.attempts > 0 ? p.failed / p.attempts : null;
  return points;
}

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** The sparkline in words, for screen readers and the tooltip. */
export function describeSpark(points: readonly SparkPoint[], range: AttemptRange): string {
  const { word } = SPARK_STEPS[range];
  const intro = `Error rate in ${word} steps over the ${TIME_RANGE_SPECS[range].phrase}`;
  const active = points.filter((p) => p.rate !== null);
  if (active.length === 0) return `${intro}: no attempts.`;
  const worst = active.reduce((a, b) => ((b.rate ?? 0) > (a.rate ?? 0) ? b : a));
  const latest = active[active.length - 1];
  const parts = [
    `${active.length} of ${points.length} steps had attempts`,
    (worst.rate ?? 0) > 0
      ? `highest ${formatPercent(worst.rate ?? 0, 0)} from ${clock.format(worst.t)}`
      : 'no failures',
  ];
  if (latest && latest !== worst)
    parts.push(`latest ${formatPercent(latest.rate ?? 0, 0)} from ${clock.format(latest.t)}`);
  return `${intro}: ${parts.join('; ')}.`;
}

/** The answer's deployments by id. */
export function attemptsById(stats: AttemptStats | undefined): Map<string, DeploymentAttempts> | null {
  return stats ? new Map(stats.deployments.map((d) => [d.deploymentId, d])) : null;
}

/** What the Deployments table knows of attempts: the badge's last hour and the summary's chosen range. */
export interface AttemptsView {
  range: AttemptRange;
  /** The last hour's attempts by deployment id, for the badge; null until loaded (or when loading failed). */
  recent: Map<string, DeploymentAttempts> | null;
  /** The chosen range's attempts by deployment id, for the summary; null until loaded (or when loading failed). */
  summary: Map<string, DeploymentAttempts> | null;
  /** End of the summary's window (epoch ms). */
  summaryTo: number;
  /** The summary could not be loaded (the page says why). */
  summaryFailed: boolean;
}
