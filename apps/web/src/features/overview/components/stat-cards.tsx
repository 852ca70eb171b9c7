'use client';

import { Card, Skeleton } from '@/components/ui';
import { formatCount, formatInteger, formatPercent, formatUsd } from '@/components/ui/format';
import type { UsageSummary } from '@switchboard/contracts';
import styles from './overview.module.css';

interface Stat {
  label: string;
  value: string;
  unit: string;
  detail: string;
  tone?: 'danger';
}

// Percentiles come from histograms (within about 5 %): "≈" says they are estimates.
function latency(ms: number | null): { value: string; unit: string } {
  if (ms === null) return { value: '—', unit: 'ms' };
  if (ms < 1000) return { value: `≈ ${formatInteger(ms)}`, unit: 'ms' };
  return { value: `≈ ${(ms / 1000).toFixed(2)}`, unit: 's' };
}

function stats(summary: UsageSummary): Stat[] {
  const p50 = latency(summary.latencyP50Ms);
  const p95 = latency(summary.latencyP95Ms);
  const rpm = summary.requestsPerMinute;
  return [
    {
      label: 'Requests per minute',
      value: rpm >= 100 ? formatInteger(rpm) : rpm.toFixed(rpm >= 10 ? 1 : 2),
      unit: 'req/min',
      detail: `${formatInteger(summary.requests)} ${summary.requests === 1 ? 'request' : 'requests'} in total`,
    },
    {
      label: 'Error rate',
      value: formatPercent(summary.errorRate).replace(' %', ''),
      unit: '%',
      detail:
        `${formatInteger(summary.errors)} failed ${summary.errors === 1 ? 'request' : 'requests'}` +
        (summary.refused > 0 ? ` · ${formatInteger(summary.refused)} refused without a valid key` : ''),
      tone: summary.errorRate >= 0.05 ? 'danger' : undefined,
    },
    { label: 'Latency p50', value: p50.value, unit: p50.unit, detail: 'Median, whole request (estimate)' },
    { label: 'Latency p95', value: p95.value, unit: p95.unit, detail: '95th percentile (estimate)' },
    {
      label: 'Tokens',
      value: formatCount(summary.totalTokens),
      unit: 'tokens',
      detail: `${formatCount(summary.promptTokens)} in · ${formatCount(summary.completionTokens)} out`,
    },
    {
      label: 'Cost',
      value: formatUsd(summary.costUsd),
      unit: 'USD',
      detail: 'At the configured model prices',
    },
  ];
}

const LABELS = ['Requests per minute', 'Error rate', 'Latency p50', 'Latency p95', 'Tokens', 'Cost'];

/** Six headline numbers; while loading, cards of the same size so nothing moves when data lands. */
export function StatCards({ summary }: { summary: UsageSummary | undefined }) {
  if (!summary) {
    return (
      <ul className={styles.stats} aria-label="Gateway metrics" aria-busy="true">
        {LABELS.map((label) => (
          <li key={label}>
            <Card className={styles.stat}>
              <p className={styles.statLabel}>{label}</p>
              <div className={styles.statValueRow}>
                <Skeleton width={96} height={30} />
              </div>
              <Skeleton width="70%" height={12} />
            </Card>
          </li>
        ))}
      </ul>
    );
  }
  return (
    <ul className={styles.stats} aria-label="Gateway metrics">
      {stats(summary).map((stat) => (
        <li key={stat.label}>
          <Card className={styles.stat}>
            <p className={styles.statLabel}>{stat.label}</p>
            <p className={styles.statValueRow}>
              <span className={`${styles.statValue} ${stat.tone === 'danger' ? styles.statDanger : ''}`}>
                {stat.value}
              </span>{' '}
              <span className={styles.statUnit}>{stat.unit}</span>
            </p>
            <p className={styles.statDetail}>{stat.detail}</p>
          </Card>
        </li>
      ))}
    </ul>
  );
}
