import { ErrorState } from './error-state';

/** What `QueryErrorState` needs of a TanStack query result. */
interface RetryableQuery {
  error: Error | null;
  refetch: () => Promise<unknown>;
  isFetching: boolean;
}

/** A query that failed: its error, and "Try again" fetching it again. */
export function QueryErrorState({ title, query }: { title: string; query: RetryableQuery }) {
  return (
    <ErrorState
      title={title}
      message={query.error?.message ?? 'The request failed.'}
      onRetry={() => void query.refetch()}
      retrying={query.isFetching}
    />
  );
}
