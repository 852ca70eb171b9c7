import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { StatsFilter } from '@switchboard/contracts';
import type { TimeRange } from '@/components/ui/time-range';
import {
  type EndUserSort,
  fetchDistribution,
  fetchEndUsers,
  fetchUsageSummary,
  type StatsGroupBy,
} from './api';

/** The overview refreshes itself while it is on screen. */
export const OVERVIEW_REFRESH_MS = 5_000;
/** End users are counted per hour: no need to ask every 5 seconds. */
export const END_USERS_REFRESH_MS = 30_000;
export const TOP_END_USERS = 10;

export const overviewKeys = {
  all: ['overview'] as const,
  summaries: () => [...overviewKeys.all, 'summary'] as const,
  summary: (range: TimeRange, filter: StatsFilter) => [...overviewKeys.summaries(), range, filter] as const,
  distributions: () => [...overviewKeys.all, 'distribution'] as const,
  distribution: (range: TimeRange, groupBy: StatsGroupBy, filter: StatsFilter) =>
    [...overviewKeys.distributions(), range, groupBy, filter] as const,
  endUsers: (range: TimeRange, filter: StatsFilter, sort: EndUserSort) =>
    [...overviewKeys.all, 'end-users', range, filter, sort] as const,
};

export const usageSummaryQueryOptions = (range: TimeRange, filter: StatsFilter = {}) =>
  queryOptions({
    queryKey: overviewKeys.summary(range, filter),
    queryFn: ({ signal }) => fetchUsageSummary(range, filter, signal),
    refetchInterval: OVERVIEW_REFRESH_MS,
    // The window slides with every fetch, so cached numbers are never "fresh".
    staleTime: 0,
    // Switching range keeps the old numbers on screen until the new ones arrive: no flash, no jump.
    placeholderData: keepPreviousData,
  });

export const distributionQueryOptions = (range: TimeRange, groupBy: StatsGroupBy, filter: StatsFilter = {}) =>
  queryOptions({
    queryKey: overviewKeys.distribution(range, groupBy, filter),
    queryFn: ({ signal }) => fetchDistribution(range, groupBy, filter, signal),
    refetchInterval: OVERVIEW_REFRESH_MS,
    staleTime: 0,
    placeholderData: keepPreviousData,
  });

export const endUsersQueryOptions = (range: TimeRange, filter: StatsFilter, sort: EndUserSort) =>
  queryOptions({
    queryKey: overviewKeys.endUsers(range, filter, sort),
    queryFn: ({ signal }) => fetchEndUsers(range, filter, sort, TOP_END_USERS, signal),
    refetchInterval: END_USERS_REFRESH_MS,
    staleTime: 0,
    placeholderData: keepPreviousData,
  });
