import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { TimeRange } from '@/components/ui/time-range';
import { fetchDistribution, fetchUsageSummary, type StatsGroupBy } from './api';

/** The overview refreshes itself while it is on screen. */
export const OVERVIEW_REFRESH_MS = 5_000;

export const overviewKeys = {
  all: ['overview'] as const,
  summaries: () => [...overviewKeys.all, 'summary'] as const,
  summary: (range: TimeRange) => [...overviewKeys.summaries(), range] as const,
  distributions: () => [...overviewKeys.all, 'distribution'] as const,
  distribution: (range: TimeRange, groupBy: StatsGroupBy) =>
    [...overviewKeys.distributions(), range, groupBy] as const,
};

export const usageSummaryQueryOptions = (range: TimeRange) =>
  queryOptions({
    queryKey: overviewKeys.summary(range),
    queryFn: ({ signal }) => fetchUsageSummary(range, signal),
    refetchInterval: OVERVIEW_REFRESH_MS,
    // The window slides with every fetch, so cached numbers are never "fresh".
    staleTime: 0,
    // Switching range keeps the old numbers on screen until the new ones arrive: no flash, no jump.
    placeholderData: keepPreviousData,
  });

export const distributionQueryOptions = (range: TimeRange, groupBy: StatsGroupBy) =>
  queryOptions({
    queryKey: overviewKeys.distribution(range, groupBy),
    queryFn: ({ signal }) => fetchDistribution(range, groupBy, signal),
    refetchInterval: OVERVIEW_REFRESH_MS,
    staleTime: 0,
    placeholderData: keepPreviousData,
  });
