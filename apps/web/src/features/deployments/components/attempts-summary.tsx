'use client';

import type { DeploymentAttempts } from '@switchboard/contracts';
import { useMemo } from 'react';
import { Bar, BarChart, type BarShapeProps, YAxis } from 'recharts';
import { Skeleton } from '@/components/ui';
import { formatInteger, formatPercent } from '@/components/ui/format';
import { TIME_RANGE_SPECS } from '@/components/ui/time-range';
import {
  type AttemptRange,
  allFailureKinds,
  describeSpark,
  FAILING_ERROR_RATE,
  type SparkPoint,
  sparkSeries,
  topFailureKinds,
} from '../attempts-health';
import styles from './attempts-summary.module.css';

const SPARK_WIDTH = 48;
const SPARK_HEIGHT = 18;

/** A step with attempts but no failure still gets a sliver, so "no traffic" and "no errors" look different. */
const minBarHeight = (value: unknown) => (typeof value === 'number' ? 2 : 0);

const barColor = (rate: number) => (rate > 0 ? 'var(--color-warn)' : 'var(--color-success)');

function SparkBar(props: BarShapeProps) {
  const { x, y, width, height } = props;
  const point = props.payload as SparkPoint | undefined;
  if (!point || point.rate === null || !height) return <g />;
  return <rect x={x} y={y} width={width} height={height} rx={0.5} fill={barColor(point.rate)} />;
}

/** Error rate over time as tiny bars (0 to 100 %, no axes); the same numbers in words for screen readers. */
export function AttemptsSparkline({ points, range }: { points: SparkPoint[]; range: AttemptRange }) {
  const text = describeSpark(points, range);
  return (
    <span className={styles.spark} role="img" aria-label={text} title={text}>
      <BarChart
        width={SPARK_WIDTH}
        height={SPARK_HEIGHT}
        data={points}
        margin={{ top: 0, right: 0, bottom: 0, left: 0 }}
        barCategoryGap={1}
        accessibilityLayer={false}
      >
        <YAxis hide domain={[0, 1]} />
        <Bar dataKey="rate" isAnimationActive={false} minPointSize={minBarHeight} shape={SparkBar} />
      </BarChart>
    </span>
  );
}

/**
 * One deployment's attempts over the chosen range: a sparkline with the error rate, failed of all attempts,
 * and the most frequent failure kinds. `attempts` undefined: none in the range; null: not loaded.
 */
export function AttemptsSummary({
  attempts,
  range,
  to,
  unavailable,
}: {
  attempts: DeploymentAttempts | undefined | null;
  range: AttemptRange;
  to: number;
  /** Loading failed (the page explains): say so rather than show a skeleton forever. */
  unavailable: boolean;
}) {
  const points = useMemo(
    () => (attempts ? sparkSeries(attempts.buckets, range, to) : null),
    [attempts, range, to],
  );
  if (attempts === null) {
    return unavailable ? (
      <span className={styles.muted}>Unavailable</span>
    ) : (
      <div className={styles.summary} aria-hidden="true">
        <Skeleton width={96} height={14} />
        <Skeleton width={80} height={12} />
      </div>
    );
  }
  if (attempts === undefined || attempts.attempts === 0 || !points) {
    return (
      <span className={styles.muted}>
        No attempts<span className="visually-hidden"> in the {TIME_RANGE_SPECS[range].phrase}</span>
      </span>
    );
  }
  const rate = attempts.errorRate;
  const kinds = topFailureKinds(attempts.failuresByKind);
  const high = rate !== null && rate >= FAILING_ERROR_RATE;
  return (
    <div className={styles.summary}>
      <span className={styles.head}>
        <AttemptsSparkline points={points} range={range} />
        <span className={`${styles.rate} ${high ? styles.high : ''}`}>
          {rate === null ? '—' : formatPercent(rate, rate < 0.1 ? 1 : 0)}
          <span className="visually-hidden"> of attempts failed</span>
        </span>
      </span>
      <span className={styles.line}>
        {formatInteger(attempts.failed)} of {formatInteger(attempts.attempts)} failed
      </span>
      {kinds ? (
        <span className={styles.line} title={allFailureKinds(attempts.failuresByKind)}>
          {kinds}
        </span>
      ) : null}
    </div>
  );
}
