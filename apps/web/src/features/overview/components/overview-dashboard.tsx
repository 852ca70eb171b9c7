'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorState } from '@/components/ui';
import { DEFAULT_TIME_RANGE, TIME_RANGE_SPECS, type TimeRange } from '@/components/ui/time-range';
import { TimeRangePicker } from '@/components/ui/time-range-picker';
import { usageSummaryQueryOptions } from '../queries';
import { DistributionCard } from './distribution-card';
import { StatCards } from './stat-cards';
import styles from './overview.module.css';

/** Live gateway health for a chosen window: headline numbers, then how load splits. */
export function OverviewDashboard() {
  const [range, setRange] = useState<TimeRange>(DEFAULT_TIME_RANGE);
  const summary = useQuery(usageSummaryQueryOptions(range));

  return (
    <div className={styles.overview}>
      <div className={styles.toolbar}>
        <TimeRangePicker value={range} onChange={setRange} />
        <p className={styles.toolbarNote}>
          {TIME_RANGE_SPECS[range].phrase.replace(/^./, (c) => c.toUpperCase())} · refreshes every 5 s
        </p>
      </div>

      {summary.isError && !summary.data ? (
        <ErrorState
          title="Could not load the gateway metrics"
          message={summary.error.message}
          onRetry={() => void summary.refetch()}
          retrying={summary.isFetching}
        />
      ) : (
        <StatCards summary={summary.data} />
      )}

      <DistributionCard range={range} groupBy="deployment" />
      <DistributionCard range={range} groupBy="project" />
    </div>
  );
}
