import { isTimeRange, TIME_RANGE_SPECS, type TimeRange } from '@/components/ui/time-range';

/** The log filters as they live in the URL (`/logs?range=24h&status=error`), so views can be shared. */
export interface LogFilters {
  range: TimeRange | 'all';
  projectId?: string;
  keyId?: string;
  modelGroup?: string;
  deploymentId?: string;
  /** `success`, `error` or an HTTP status such as `429`. */
  status?: string;
  /** Exactly this request id (`x-request-id`). */
  requestId?: string;
  /** Text in the error message. */
  q?: string;
}

export const DEFAULT_LOG_RANGE: LogFilters['range'] = '24h';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STATUS = /^(success|error|[1-5]\d\d)$/;

/** Reads filters from search params, dropping anything the API would reject. */
export function parseLogFilters(params: URLSearchParams): LogFilters {
  const range = params.get('range');
  const uuid = (name: string) => {
    const value = params.get(name);
    return value && UUID.test(value) ? value : undefined;
  };
  const status = params.get('status');
  const modelGroup = params.get('modelGroup')?.trim();
  const text = (name: string) => {
    const value = params.get(name)?.trim();
    return value && value.length <= 200 ? value : undefined;
  };
  return {
    range: range === 'all' ? 'all' : isTimeRange(range) ? range : DEFAULT_LOG_RANGE,
    projectId: uuid('projectId'),
    keyId: uuid('keyId'),
    modelGroup: modelGroup ? modelGroup : undefined,
    deploymentId: uuid('deploymentId'),
    status: status && STATUS.test(status) ? status : undefined,
    requestId: text('requestId'),
    q: text('q'),
  };
}

export function logFiltersToSearch(filters: LogFilters): string {
  const params = new URLSearchParams();
  if (filters.range !== DEFAULT_LOG_RANGE) params.set('range', filters.range);
  for (const name of [
    'projectId',
    'keyId',
    'modelGroup',
    'deploymentId',
    'status',
    'requestId',
    'q',
  ] as const) {
    const value = filters[name];
    if (value) params.set(name, value);
  }
  const search = params.toString();
  return search ? `?${search}` : '';
}

export function hasActiveFilters(filters: LogFilters): boolean {
  return Boolean(
    filters.range !== DEFAULT_LOG_RANGE ||
    filters.projectId ||
    filters.keyId ||
    filters.modelGroup ||
    filters.deploymentId ||
    filters.status ||
    filters.requestId ||
    filters.q,
  );
}

/** The oldest time the list should show, fixed when the first page is fetched. */
export function logsFrom(range: LogFilters['range'], now = Date.now()): string | null {
  return range === 'all' ? null : new Date(now - TIME_RANGE_SPECS[range].ms).toISOString();
}
