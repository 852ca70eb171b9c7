import type { Deployment } from '@switchboard/contracts';
import { Badge } from '@/components/ui';
import {
  type AttemptCounts,
  describeLastProbe,
  formatAgo,
  HEALTH_BADGES,
  type HealthKind,
} from '../attempts-health';
import styles from './deployment-state.module.css';

/** `42 s`, `3 min 05 s`, `1 h 02 min`. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  if (total < 60) return `${total} s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes} min ${String(total % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

const REASONS: Record<string, string> = {
  failures: 'too many failures',
  rate_limited: 'rate limited by the upstream',
  auth: 'the upstream rejected the key',
};

/** Why the badge says what it says, for its tooltip. */
function badgeTitle(health: HealthKind, recent: AttemptCounts | null): string | undefined {
  switch (health) {
    case 'failing':
      return recent
        ? `${recent.failed} of ${recent.attempts} attempts failed in the last 15 minutes; still in rotation, so retries elsewhere answer its requests`
        : undefined;
    case 'last_failed':
      return 'Its last call or connection test failed; still in rotation';
    case 'credentials_rejected':
      return 'The upstream rejected the API key: out of rotation until a test succeeds or the cooldown ends';
    case 'unknown':
      return 'The recent error rate could not be loaded';
    case 'healthy':
      return 'In rotation; its last call succeeded, and few or none of its attempts failed in the last 15 minutes';
    case 'cooling_down':
    case 'disabled':
      return undefined;
  }
}

/**
 * The badge (benched, failing, healthy...; see `healthOf`), with when the deployment last failed and last
 * succeeded; a cooldown counts down here between refreshes.
 */
export function DeploymentState({
  deployment,
  health,
  recent,
  now,
}: {
  deployment: Deployment;
  health: HealthKind;
  /** Attempts of the last 15 minutes; null when unknown. */
  recent: AttemptCounts | null;
  now: number;
}) {
  const { state } = deployment;
  const badge = HEALTH_BADGES[health];
  const benched = state.status === 'cooling_down';
  let cooldownLine = null;
  if (benched) {
    const until = state.cooldownUntil ? Date.parse(state.cooldownUntil) : null;
    const left = until === null ? null : until - now;
    const reason = state.cooldownReason
      ? (REASONS[state.cooldownReason] ?? state.cooldownReason.replace(/_/g, ' '))
      : null;
    cooldownLine = (
      // One line, so a cooldown never makes the row taller; the full error is in the tooltip.
      <span className={styles.line} title={[reason, state.lastError].filter(Boolean).join(': ') || undefined}>
        <span className={styles.detail}>
          {left === null
            ? 'until it recovers'
            : left > 0
              ? `${formatCountdown(left)} left`
              : 'back any moment'}
        </span>
        {state.lastError || reason ? (
          <span className={styles.error}>· {state.lastError ?? reason}</span>
        ) : null}
      </span>
    );
  }
  const showTimes = state.status !== 'disabled';

  return (
    <div className={styles.state}>
      <span title={badgeTitle(health, recent)}>
        <Badge tone={badge.tone} dot>
          {badge.label}
        </Badge>
      </span>
      {cooldownLine}
      {showTimes && !benched && state.lastErrorAt !== null ? (
        <span className={styles.time} title={state.lastError ?? undefined}>
          Last error {formatAgo(state.lastErrorAt, now)}
        </span>
      ) : null}
      {showTimes && state.lastProbe ? (
        <span
          className={state.lastProbe.ok ? styles.time : `${styles.time} ${styles.probeFailed}`}
          title={[
            `Last health check or connection test: ${state.lastProbe.message}`,
            deployment.probeIntervalSeconds !== null
              ? `Checked every ${deployment.probeIntervalSeconds} s.`
              : 'Background health checks are off.',
          ].join(' ')}
          data-testid="last-probe"
        >
          {describeLastProbe(state, now)}
        </span>
      ) : showTimes && deployment.probeIntervalSeconds !== null ? (
        <span className={styles.time} data-testid="last-probe">
          Checks every {deployment.probeIntervalSeconds} s
        </span>
      ) : null}
      {showTimes && state.lastSuccessAt !== null ? (
        <span className={styles.time}>Last success {formatAgo(state.lastSuccessAt, now)}</span>
      ) : showTimes && state.lastErrorAt !== null ? (
        <span className={styles.time}>No success yet</span>
      ) : null}
    </div>
  );
}

/** `12 / 60 rpm` over a thin bar when there is a limit; just `12 rpm` (no bar) otherwise. */
export function UsageMeter({
  used,
  limit,
  unit,
}: {
  used: number;
  limit: number | null;
  unit: 'rpm' | 'tpm';
}) {
  const format = (n: number) => n.toLocaleString('en-US');
  if (limit === null) {
    return (
      <div className={styles.meter}>
        <span className={styles.meterValue} title={`No ${unit} limit`}>
          {format(used)} {unit}
          <span className="visually-hidden"> (no limit)</span>
        </span>
        <span className={styles.trackSpace} aria-hidden="true" />
      </div>
    );
  }
  const ratio = limit > 0 ? Math.min(1, used / limit) : 0;
  const tone = ratio >= 0.9 ? styles.hot : ratio >= 0.7 ? styles.warm : '';
  return (
    <div className={styles.meter}>
      <span className={styles.meterValue}>
        {format(used)} / {format(limit)} {unit}
      </span>
      <span
        className={styles.track}
        role="meter"
        aria-label={`${unit.toUpperCase()} used`}
        aria-valuemin={0}
        aria-valuemax={limit}
        aria-valuenow={Math.min(used, limit)}
        aria-valuetext={`${format(used)} of ${format(limit)} ${unit} (${Math.round(ratio * 100)} %)`}
      >
        <span className={`${styles.fill} ${tone}`} style={{ width: `${ratio * 100}%` }} />
      </span>
    </div>
  );
}
