import {
  infiniteQueryOptions,
  mutationOptions,
  type QueryClient,
  type QueryKey,
  queryOptions,
} from '@tanstack/react-query';
import type { TimeRange } from '@/components/ui/time-range';
import { auditKeys } from '@/features/audit/queries';
import { projectKeys } from '@/features/projects/query-keys';
import {
  createKey,
  fetchKeyUsage,
  type KeyListFilters,
  listKeys,
  listModelGroupNames,
  revokeKey,
  rotateKey,
  updateKey,
} from './api';

export const keyKeys = {
  all: ['keys'] as const,
  lists: () => [...keyKeys.all, 'list'] as const,
  list: (filters: KeyListFilters) => [...keyKeys.lists(), filters] as const,
  usages: () => [...keyKeys.all, 'usage'] as const,
  usage: (range: TimeRange) => [...keyKeys.usages(), range] as const,
  /** Model group names as the key form and the Dify card need them (not the Model groups page's data). */
  modelGroupNames: () => [...keyKeys.all, 'model-group-names'] as const,
};

export const KEYS_PAGE_SIZE = 100;

export const keyListQueryOptions = (filters: KeyListFilters) =>
  infiniteQueryOptions({
    queryKey: keyKeys.list(filters),
    queryFn: ({ pageParam, signal }) =>
      listKeys(filters, { cursor: pageParam, limit: KEYS_PAGE_SIZE }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor,
  });

/** Up to 500 keys, revoked ones included, for filters and id → name lookups. */
export const keyOptionsQueryOptions = () =>
  queryOptions({
    queryKey: [...keyKeys.list({ includeRevoked: true }), 'options'] as const,
    queryFn: ({ signal }) => listKeys({ includeRevoked: true }, { limit: 500 }, signal),
    select: (page) => page.data,
    staleTime: 60_000,
  });

export const keyUsageQueryOptions = (range: TimeRange) =>
  queryOptions({
    queryKey: keyKeys.usage(range),
    queryFn: ({ signal }) => fetchKeyUsage(range, signal),
    refetchInterval: 30_000,
  });

export const modelGroupNamesQueryOptions = () =>
  queryOptions({
    queryKey: keyKeys.modelGroupNames(),
    queryFn: ({ signal }) => listModelGroupNames(signal),
    staleTime: 60_000,
  });

/**
 * What a key change makes stale: the key lists and the audit log, and when the change adds or removes a
 * key of a project (create, revoke), that project's key list and key count.
 */
function invalidateAfterKeyChange(client: QueryClient, changedProjectId?: string) {
  const stale: QueryKey[] = [keyKeys.lists(), auditKeys.all];
  if (changedProjectId) stale.push(projectKeys.detail(changedProjectId), projectKeys.lists());
  return Promise.all(stale.map((queryKey) => client.invalidateQueries({ queryKey })));
}

export const createKeyMutationOptions = () =>
  mutationOptions({
    mutationKey: [...keyKeys.all, 'create'],
    mutationFn: createKey,
    onSuccess: (key, _variables, _result, { client }) => invalidateAfterKeyChange(client, key.projectId),
  });

export const updateKeyMutationOptions = () =>
  mutationOptions({
    mutationKey: [...keyKeys.all, 'update'],
    mutationFn: updateKey,
    onSuccess: (_key, _variables, _result, { client }) => invalidateAfterKeyChange(client),
  });

export const revokeKeyMutationOptions = () =>
  mutationOptions({
    mutationKey: [...keyKeys.all, 'revoke'],
    mutationFn: revokeKey,
    onSuccess: (key, _variables, _result, { client }) => invalidateAfterKeyChange(client, key.projectId),
  });

export const rotateKeyMutationOptions = () =>
  mutationOptions({
    mutationKey: [...keyKeys.all, 'rotate'],
    mutationFn: rotateKey,
    // Same key id, new prefix: only the key lists and the audit log change.
    onSuccess: (_key, _variables, _result, { client }) => invalidateAfterKeyChange(client),
  });
