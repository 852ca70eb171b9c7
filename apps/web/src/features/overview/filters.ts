import type { StatsFilter } from '@switchboard/contracts';
import { DEFAULT_TIME_RANGE, isTimeRange, type TimeRange } from '@/components/ui/time-range';

/** What the Overview shows, as it lives in the URL (`/?range=24h&keyId=…`), so a reload or a link keeps it. */
export interface OverviewFilters extends StatsFilter {
  range: TimeRange;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const FILTER_NAMES = ['projectId', 'keyId', 'modelGroup'] as const;

/** Reads the Overview's state from search params, dropping anything the API would reject. */
export function parseOverviewFilters(params: URLSearchParams): OverviewFilters {
  const range = params.get('range');
  const uuid = (name: string) => {
    const value = params.get(name);
    return value && UUID.test(value) ? value : undefined;
  };
  const modelGroup = params.get('modelGroup')?.trim();
  return {
    range: isTimeRange(range) ? range : DEFAULT_TIME_RANGE,
    projectId: uuid('projectId'),
    keyId: uuid('keyId'),
    modelGroup: modelGroup && modelGroup.length <= 256 ? modelGroup : undefined,
  };
}

export function overviewFiltersToSearch(filters: OverviewFilters): string {
  const params = new URLSearchParams();
  if (filters.range !== DEFAULT_TIME_RANGE) params.set('range', filters.range);
  for (const name of FILTER_NAMES) {
    const value = filters[name];
    if (value) params.set(name, value);
  }
  const search = params.toString();
  return search ? `?${search}` : '';
}

/** The filters alone (no range), as the stats API takes them: absent ones left out. */
export function statsFilter(filters: OverviewFilters): StatsFilter {
  const out: StatsFilter = {};
  for (const name of FILTER_NAMES) {
    const value = filters[name];
    if (value) out[name] = value;
  }
  return out;
}

export const hasStatsFilter = (filters: OverviewFilters): boolean =>
  FILTER_NAMES.some((name) => Boolean(filters[name]));
