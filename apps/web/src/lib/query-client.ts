import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { isClientError, isUnauthorized } from './api-client';

type AppMeta = Record<string, unknown> & {
  /** Set where a 401 is an expected answer (e.g. a wrong master key), not an expired session. */
  skipAuthRedirect?: boolean;
};

declare module '@tanstack/react-query' {
  interface Register {
    queryMeta: AppMeta;
    mutationMeta: AppMeta;
  }
}

const MAX_RETRIES = 2;

export function makeQueryClient(onUnauthorized: () => void): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (isUnauthorized(error) && !query.meta?.skipAuthRedirect) onUnauthorized();
      },
    }),
    mutationCache: new MutationCache({
      onError: (error, _variables, _context, mutation) => {
        if (isUnauthorized(error) && !mutation.meta?.skipAuthRedirect) onUnauthorized();
      },
    }),
    defaultOptions: {
      queries: {
        // Operators watch live traffic: short enough to feel current, long enough to avoid refetch storms.
        staleTime: 15_000,
        // 4xx answers (401 above all) will not change by asking again.
        retry: (failureCount, error) => !isClientError(error) && failureCount < MAX_RETRIES,
      },
      mutations: { retry: false },
    },
  });
}
