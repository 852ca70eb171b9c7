import { type Distribution, distributionSchema, type STATS_GROUP_BY } from '@switchboard/contracts';
import { rangeWindow, TIME_RANGE_SPECS, type TimeRange } from '@/components/ui/time-range';
import { apiRequest } from '@/lib/api-client';
import { type UsageSummary, usageSummarySchema } from '@switchboard/contracts';

export type StatsGroupBy = (typeof STATS_GROUP_BY)[number];

/** Headline numbers for the range ending now. */
export function fetchUsageSummary(range: TimeRange, signal?: AbortSignal): Promise<UsageSummary> {
  const params = new URLSearchParams(rangeWindow(range));
  return apiRequest(`/api/stats/summary?${params}`, { schema: usageSummarySchema, signal });
}

/** Requests per group and per time bucket for the range ending now. */
export function fetchDistribution(
  range: TimeRange,
  groupBy: StatsGroupBy,
  signal?: AbortSignal,
): Promise<Distribution> {
  const params = new URLSearchParams({
    ...rangeWindow(range),
    groupBy,
    interval: TIME_RANGE_SPECS[range].interval,
  });
  return apiRequest(`/api/stats/distribution?${params}`, { schema: distributionSchema, signal });
}
