import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { getLog, listDeploymentOptions, listLogs } from './api';
import { type LogFilters, logsFrom } from './filters';

export const logKeys = {
  all: ['logs'] as const,
  lists: () => [...logKeys.all, 'list'] as const,
  list: (filters: LogFilters) => [...logKeys.lists(), filters] as const,
  details: () => [...logKeys.all, 'detail'] as const,
  detail: (id: string) => [...logKeys.details(), id] as const,
  /** Deployment names for the filter (not the Deployments page's data). */
  deploymentOptions: () => [...logKeys.all, 'deployment-options'] as const,
};

export const LOGS_PAGE_SIZE = 50;

interface LogPageParam {
  cursor: string | null;
  /** Fixed by the first page so "Load more" walks one consistent window. */
  from: string | null;
}

export const logListQueryOptions = (filters: LogFilters) =>
  infiniteQueryOptions({
    queryKey: logKeys.list(filters),
    queryFn: async ({ pageParam, signal }) => {
      const from = pageParam ? pageParam.from : logsFrom(filters.range);
      const page = await listLogs(
        filters,
        { cursor: pageParam?.cursor ?? null, from, limit: LOGS_PAGE_SIZE },
        signal,
      );
      return { ...page, from };
    },
    initialPageParam: null as LogPageParam | null,
    getNextPageParam: (lastPage): LogPageParam | null =>
      lastPage.nextCursor ? { cursor: lastPage.nextCursor, from: lastPage.from } : null,
  });

export const logDetailQueryOptions = (id: string) =>
  queryOptions({
    queryKey: logKeys.detail(id),
    queryFn: ({ signal }) => getLog(id, signal),
    // A finished request never changes.
    staleTime: Infinity,
  });

export const deploymentOptionsQueryOptions = () =>
  queryOptions({
    queryKey: logKeys.deploymentOptions(),
    queryFn: ({ signal }) => listDeploymentOptions(signal),
    staleTime: 60_000,
  });
