import {
  type Distribution,
  distributionSchema,
  type EndUserList,
  endUserListSchema,
  type StatsFilter,
  type STATS_GROUP_BY,
  type UsageSummary,
  usageSummarySchema,
} from '@switchboard/contracts';
import { rangeWindow, TIME_RANGE_SPECS, type TimeRange } from '@/components/ui/time-range';
import { apiRequest } from '@/lib/api-client';

export type StatsGroupBy = (typeof STATS_GROUP_BY)[number];
export type EndUserSort = 'requests' | 'cost';

/** Headline numbers for the range ending now, narrowed by `filter`. */
export function fetchUsageSummary(
  range: TimeRange,
  filter: StatsFilter,
  signal?: AbortSignal,
): Promise<UsageSummary> {
  const params = new URLSearchParams({ ...rangeWindow(range), ...filter });
  return apiRequest(`/api/stats/summary?${params}`, { schema: usageSummarySchema, signal });
}

/** Requests per group and per time bucket for the range ending now, narrowed by `filter`. */
export function fetchDistribution(
  range: TimeRange,
  groupBy: StatsGroupBy,
  filter: StatsFilter,
  signal?: AbortSignal,
): Promise<Distribution> {
  const params = new URLSearchParams({
    ...rangeWindow(range),
    ...filter,
    groupBy,
    interval: TIME_RANGE_SPECS[range].interval,
    // The charts draw requests, tokens and spend; latency is shown per group only.
    bucketLatency: 'false',
  });
  return apiRequest(`/api/stats/distribution?${params}`, { schema: distributionSchema, signal });
}

/** The top end users (the requests' `user` field) of the range ending now, counted per whole hour. */
export function fetchEndUsers(
  range: TimeRange,
  filter: StatsFilter,
  sort: EndUserSort,
  limit: number,
  signal?: AbortSignal,
): Promise<EndUserList> {
  const params = new URLSearchParams({ ...rangeWindow(range), ...filter, sort, limit: String(limit) });
  return apiRequest(`/api/stats/end-users?${params}`, { schema: endUserListSchema, signal });
}
