'use client';

import { useQuery } from '@tanstack/react-query';
import type { Route } from 'next';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useMemo } from 'react';
import { Card } from '@/components/ui';
import { TIME_RANGE_SPECS } from '@/components/ui/time-range';
import { TimeRangePicker } from '@/components/ui/time-range-picker';
import { QueryErrorState } from '@/components/ui/query-error-state';
import {
  hasStatsFilter,
  type OverviewFilters,
  overviewFiltersToSearch,
  parseOverviewFilters,
  statsFilter,
} from '../filters';
import { usageSummaryQueryOptions } from '../queries';
import { DistributionCard } from './distribution-card';
import { EndUsersCard } from './end-users-card';
import { OverviewFiltersBar } from './overview-filters-bar';
import { StatCards } from './stat-cards';
import styles from './overview.module.css';

/**
 * Live gateway health for a chosen window: headline numbers, then how load splits by deployment, project,
 * key and model group, and the top end users. The range and the filters live in the URL.
 */
export function OverviewDashboard() {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const filters = useMemo(
    () => parseOverviewFilters(new URLSearchParams(searchParams.toString())),
    [searchParams],
  );
  const setFilters = (next: OverviewFilters) => {
    router.replace(`${pathname}${overviewFiltersToSearch(next)}` as Route, { scroll: false });
  };
  const summary = useQuery(usageSummaryQueryOptions(filters.range, statsFilter(filters)));

  return (
    <div className={styles.overview}>
      <div className={styles.toolbar}>
        <TimeRangePicker value={filters.range} onChange={(range) => setFilters({ ...filters, range })} />
        <p className={styles.toolbarNote}>
          {TIME_RANGE_SPECS[filters.range].phrase.replace(/^./, (c) => c.toUpperCase())}
          {hasStatsFilter(filters) ? ', filtered' : ''} · refreshes every 5 s
        </p>
      </div>

      <Card className={styles.filterCard}>
        <OverviewFiltersBar filters={filters} onChange={setFilters} />
      </Card>

      {summary.isError && !summary.data ? (
        <QueryErrorState title="Could not load the gateway metrics" query={summary} />
      ) : (
        <StatCards summary={summary.data} />
      )}

      <DistributionCard filters={filters} groupBy="deployment" />
      <DistributionCard filters={filters} groupBy="key" />
      <DistributionCard filters={filters} groupBy="project" />
      <DistributionCard filters={filters} groupBy="modelGroup" />
      <EndUsersCard filters={filters} />
    </div>
  );
}
