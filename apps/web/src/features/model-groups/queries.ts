import { keepPreviousData, mutationOptions, queryOptions, type QueryClient } from '@tanstack/react-query';
import type { ModelGroup, UpdateModelGroup } from '@switchboard/contracts';
import {
  createModelGroup,
  deleteModelGroup,
  getModelGroup,
  listModelGroups,
  updateModelGroup,
  type ModelGroupListParams,
} from './api';

export const MODEL_GROUP_PAGE_SIZE = 25;
/** The API's largest page: enough for every group name in pickers and suggestions. */
export const ALL_GROUPS_LIMIT = 500;

export const modelGroupKeys = {
  all: ['model-groups'] as const,
  lists: () => [...modelGroupKeys.all, 'list'] as const,
  list: (params: ModelGroupListParams) => [...modelGroupKeys.lists(), params] as const,
  details: () => [...modelGroupKeys.all, 'detail'] as const,
  detail: (name: string) => [...modelGroupKeys.details(), name] as const,
};

export const modelGroupListQueryOptions = (params: ModelGroupListParams) =>
  queryOptions({
    queryKey: modelGroupKeys.list(params),
    queryFn: ({ signal }) => listModelGroups(params, signal),
    // Paging keeps the current rows on screen until the next page arrives.
    placeholderData: keepPreviousData,
  });

/** Every group name (first 500), for the model-group suggestions and the fallback picker. */
export const modelGroupNamesQueryOptions = () =>
  queryOptions({
    queryKey: modelGroupKeys.list({ limit: ALL_GROUPS_LIMIT }),
    queryFn: ({ signal }) => listModelGroups({ limit: ALL_GROUPS_LIMIT }, signal),
    select: (page) => page.data.map((group) => group.name),
  });

export const modelGroupDetailQueryOptions = (name: string) =>
  queryOptions({
    queryKey: modelGroupKeys.detail(name),
    queryFn: ({ signal }) => getModelGroup(name, signal),
    // The expected split follows live latency under `lowest-latency`.
    refetchInterval: 10_000,
  });

export const createModelGroupMutationOptions = (queryClient: QueryClient) =>
  mutationOptions({
    mutationKey: [...modelGroupKeys.all, 'create'],
    mutationFn: createModelGroup,
    onSuccess: (group) => {
      queryClient.setQueryData(modelGroupKeys.detail(group.name), group);
      return queryClient.invalidateQueries({ queryKey: modelGroupKeys.lists() });
    },
  });

export const updateModelGroupMutationOptions = (queryClient: QueryClient) =>
  mutationOptions({
    mutationKey: [...modelGroupKeys.all, 'update'],
    mutationFn: ({ name, patch }: { name: string; patch: UpdateModelGroup }) => updateModelGroup(name, patch),
    onSuccess: (group) => {
      queryClient.setQueryData(modelGroupKeys.detail(group.name), group);
      return queryClient.invalidateQueries({ queryKey: modelGroupKeys.lists() });
    },
  });

export const deleteModelGroupMutationOptions = (queryClient: QueryClient) =>
  mutationOptions({
    mutationKey: [...modelGroupKeys.all, 'delete'],
    mutationFn: (group: Pick<ModelGroup, 'name'>) => deleteModelGroup(group.name),
    onSuccess: (_result, group) => {
      // Only if nothing shows it: the editor that deleted it is navigating away and must not refetch a 404.
      queryClient.removeQueries({ queryKey: modelGroupKeys.detail(group.name), type: 'inactive' });
      return queryClient.invalidateQueries({ queryKey: modelGroupKeys.lists() });
    },
  });
