'use client';

import type { Distribution } from '@switchboard/contracts';
import { useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { chartColorSlots } from '@switchboard/contracts';
import { entityChartColor, OTHER_CHART_COLOR } from '@/components/ui/chart-colors';
import { formatCount, formatInteger, formatUsd } from '@/components/ui/format';
import styles from './overview.module.css';

export const CHART_HEIGHT = 240;
/** Groups drawn as series of their own; the rest are summed into "Other". */
export const MAX_SERIES = 7;

/** What the bars measure: requests, tokens or spend per time bucket. */
export type ChartMetric = 'requests' | 'tokens' | 'spend';

type Bucket = Distribution['groups'][number]['buckets'][number];
const METRICS: Record<
  ChartMetric,
  { value: (b: Bucket) => number; unit: string; format: (n: number) => string; axis: (n: number) => string }
> = {
  requests: { value: (b) => b.requests, unit: 'requests', format: formatInteger, axis: formatInteger },
  tokens: { value: (b) => b.totalTokens, unit: 'tokens', format: formatInteger, axis: formatCount },
  spend: { value: (b) => b.costUsd, unit: 'USD', format: formatUsd, axis: formatUsd },
};

/**
 * The colour a group is drawn in: its own among the first MAX_SERIES, else Other's grey. Colours follow
 * the ids of all the distribution's groups (`chartColorSlots`), never their rank, and do not repeat.
 */
export function groupColor(
  distribution: Distribution,
  group: Distribution['groups'][number],
  rank: number,
): string {
  if (rank >= MAX_SERIES) return OTHER_CHART_COLOR;
  return entityChartColor(group.key, chartColorSlots(distribution.groups.map((g) => g.key)));
}

interface Series {
  dataKey: string;
  label: string;
  color: string;
}

type Row = { t: string } & Record<string, number | string>;

function buildChart(distribution: Distribution, metric: ChartMetric): { series: Series[]; rows: Row[] } {
  const value = METRICS[metric].value;
  const shown = distribution.groups.slice(0, MAX_SERIES);
  const rest = distribution.groups.slice(MAX_SERIES);
  // Keys by position: recharts reads dots in a dataKey as a path, and deployment names contain dots.
  const series: Series[] = shown.map((group, index) => ({
    dataKey: `s${index}`,
    label: group.label,
    color: groupColor(distribution, group, index),
  }));
  if (rest.length > 0)
    series.push({ dataKey: 'other', label: `Other (${rest.length})`, color: OTHER_CHART_COLOR });

  const bucketCount = distribution.groups[0]?.buckets.length ?? 0;
  const rows: Row[] = [];
  for (let i = 0; i < bucketCount; i++) {
    const row: Row = { t: distribution.groups[0]?.buckets[i]?.bucket ?? '' };
    shown.forEach((group, index) => {
      const bucket = group.buckets[i];
      row[`s${index}`] = bucket ? value(bucket) : 0;
    });
    if (rest.length > 0)
      row.other = rest.reduce((sum, group) => {
        const bucket = group.buckets[i];
        return sum + (bucket ? value(bucket) : 0);
      }, 0);
    rows.push(row);
  }
  return { series, rows };
}

const tickFormats: Record<Distribution['interval'], Intl.DateTimeFormatOptions> = {
  minute: { hour: '2-digit', minute: '2-digit' },
  hour: { month: 'short', day: 'numeric', hour: '2-digit' },
  day: { month: 'short', day: 'numeric' },
};

const tooltipFormats: Record<Distribution['interval'], Intl.DateTimeFormatOptions> = {
  minute: { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' },
  hour: { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' },
  day: { dateStyle: 'medium' },
};

const INTERVAL_WORD: Record<Distribution['interval'], string> = {
  minute: 'minute',
  hour: 'hour',
  day: 'day',
};

/** Stacked bars of requests (or tokens, or spend) per time bucket, one colour per group. */
export function DistributionChart({
  distribution,
  groupNoun,
  metric = 'requests',
}: {
  distribution: Distribution;
  groupNoun: string;
  metric?: ChartMetric;
}) {
  const { series, rows } = useMemo(() => buildChart(distribution, metric), [distribution, metric]);
  const m = METRICS[metric];
  const tick = useMemo(
    () => new Intl.DateTimeFormat(undefined, tickFormats[distribution.interval]),
    [distribution.interval],
  );
  const tooltipTime = useMemo(
    () => new Intl.DateTimeFormat(undefined, tooltipFormats[distribution.interval]),
    [distribution.interval],
  );

  return (
    <figure className={styles.chart} style={{ height: CHART_HEIGHT }}>
      <figcaption className="visually-hidden">
        Stacked bar chart of {m.unit === 'USD' ? 'spend' : m.unit} per {INTERVAL_WORD[distribution.interval]}{' '}
        by {groupNoun}. The table below lists the totals.
      </figcaption>
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} barCategoryGap="12%">
          <CartesianGrid vertical={false} stroke="var(--color-border)" />
          <XAxis
            dataKey="t"
            tickFormatter={(value: string) => (value ? tick.format(new Date(value)) : '')}
            tick={{ fontSize: 11, fill: 'var(--color-text-subtle)' }}
            tickLine={false}
            axisLine={{ stroke: 'var(--color-border-strong)' }}
            minTickGap={28}
          />
          <YAxis
            allowDecimals={metric === 'spend'}
            width={metric === 'spend' ? 72 : metric === 'tokens' ? 56 : 44}
            tick={{ fontSize: 11, fill: 'var(--color-text-subtle)' }}
            tickLine={false}
            axisLine={false}
            tickFormatter={(value: number) => m.axis(value)}
            label={{
              value: m.unit,
              angle: -90,
              position: 'insideLeft',
              offset: 10,
              style: { fontSize: 11, fill: 'var(--color-text-subtle)', textAnchor: 'middle' },
            }}
          />
          <Tooltip
            cursor={{ fill: 'var(--color-surface-hover)' }}
            isAnimationActive={false}
            content={({ active, label }) => {
              if (!active || typeof label !== 'string') return null;
              const row = rows.find((r) => r.t === label);
              if (!row) return null;
              const total = series.reduce((sum, s) => sum + Number(row[s.dataKey] ?? 0), 0);
              return (
                <div className={styles.tooltip}>
                  <p className={styles.tooltipTitle}>{tooltipTime.format(new Date(label))}</p>
                  <ul className={styles.tooltipList}>
                    {series.map((s) => (
                      <li key={s.dataKey}>
                        <span className={styles.swatch} style={{ background: s.color }} aria-hidden="true" />
                        <span className={styles.tooltipLabel}>{s.label}</span>
                        <span className={styles.tooltipValue}>{m.format(Number(row[s.dataKey] ?? 0))}</span>
                      </li>
                    ))}
                  </ul>
                  <p className={styles.tooltipTotal}>
                    <span>Total</span>
                    <span>
                      {m.format(total)}
                      {metric === 'spend' ? '' : ` ${m.unit}`}
                    </span>
                  </p>
                </div>
              );
            }}
          />
          {series.map((s, index) => (
            <Bar
              key={s.dataKey}
              dataKey={s.dataKey}
              name={s.label}
              stackId="metric"
              fill={s.color}
              // A hairline between stacked segments keeps two series apart even when their ids share a colour.
              stroke="var(--color-surface)"
              strokeWidth={1}
              isAnimationActive={false}
              radius={index === series.length - 1 ? [2, 2, 0, 0] : 0}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
