import { queryOptions } from '@tanstack/react-query';
import { listPlaygroundKeys } from './api';

export const playgroundKeys = {
  all: ['playground'] as const,
  keys: () => [...playgroundKeys.all, 'keys'] as const,
};

/** Active keys for the picker (a revoked key is refused anyway; it is not offered). */
export const playgroundKeysQueryOptions = () =>
  queryOptions({
    queryKey: playgroundKeys.keys(),
    queryFn: ({ signal }) => listPlaygroundKeys(signal),
  });
