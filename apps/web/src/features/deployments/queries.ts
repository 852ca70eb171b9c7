import { keepPreviousData, mutationOptions, queryOptions, type QueryClient } from '@tanstack/react-query';
import type { Deployment, UpdateDeployment } from '@switchboard/contracts';
import { modelGroupKeys } from '@/features/model-groups/queries';
import type { AttemptRange } from './attempts-health';
import {
  createDeployment,
  fetchAttemptStats,
  deleteDeployment,
  resetDeployment,
  getDeployment,
  listDeployments,
  testDeployment,
  updateDeployment,
  type DeploymentListParams,
} from './api';

export const DEPLOYMENT_PAGE_SIZE = 25;
/** Live columns (state, in-flight, rpm/tpm, latency) refresh this often while the page is visible. */
export const LIVE_REFRESH_MS = 3_000;
/** The attempt counts (a rollup written with each request-log batch) refresh this often. */
export const ATTEMPTS_REFRESH_MS = 15_000;

export const deploymentKeys = {
  all: ['deployments'] as const,
  lists: () => [...deploymentKeys.all, 'list'] as const,
  list: (params: DeploymentListParams) => [...deploymentKeys.lists(), params] as const,
  details: () => [...deploymentKeys.all, 'detail'] as const,
  detail: (id: string) => [...deploymentKeys.details(), id] as const,
  attempts: (range: AttemptRange) => [...deploymentKeys.all, 'attempts', range] as const,
};

export const deploymentListQueryOptions = (params: DeploymentListParams) =>
  queryOptions({
    queryKey: deploymentKeys.list(params),
    queryFn: ({ signal }) => listDeployments(params, signal),
    refetchInterval: LIVE_REFRESH_MS,
    staleTime: 0,
    placeholderData: keepPreviousData,
  });

export const attemptStatsQueryOptions = (range: AttemptRange) =>
  queryOptions({
    queryKey: deploymentKeys.attempts(range),
    queryFn: ({ signal }) => fetchAttemptStats(range, signal),
    // TanStack pauses the interval while the tab is hidden and refetches when it is shown again.
    refetchInterval: ATTEMPTS_REFRESH_MS,
    // The window slides with every fetch, so cached counts are never "fresh".
    staleTime: 0,
    placeholderData: keepPreviousData,
  });

/** A group's deployments (all of them, up to the API's 500 per page) for the routing editor. */
export const groupDeploymentsQueryOptions = (modelGroup: string) =>
  deploymentListQueryOptions({ modelGroup, limit: 500 });

export const deploymentDetailQueryOptions = (id: string) =>
  queryOptions({
    queryKey: deploymentKeys.detail(id),
    queryFn: ({ signal }) => getDeployment(id, signal),
  });

/**
 * A deployment write changes the deployment lists and its group's detail (count, expected split);
 * the group list only when a group gains or loses a member.
 */
async function invalidateAfterWrite(
  queryClient: QueryClient,
  groups: { changed: string[]; membership: boolean },
): Promise<void> {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: deploymentKeys.lists() }),
    ...groups.changed.map((name) => queryClient.invalidateQueries({ queryKey: modelGroupKeys.detail(name) })),
    groups.membership ? queryClient.invalidateQueries({ queryKey: modelGroupKeys.lists() }) : null,
  ]);
}

export const createDeploymentMutationOptions = (queryClient: QueryClient) =>
  mutationOptions({
    mutationKey: [...deploymentKeys.all, 'create'],
    mutationFn: createDeployment,
    onSuccess: (created) => {
      queryClient.setQueryData(deploymentKeys.detail(created.id), created);
      // Naming a new group creates it, so the group list changes too.
      return invalidateAfterWrite(queryClient, { changed: [created.modelGroup], membership: true });
    },
  });

export const updateDeploymentMutationOptions = (queryClient: QueryClient) =>
  mutationOptions({
    mutationKey: [...deploymentKeys.all, 'update'],
    mutationFn: ({ deployment, patch }: { deployment: Deployment; patch: UpdateDeployment }) =>
      updateDeployment(deployment.id, patch),
    onSuccess: (updated, { deployment: before }) => {
      queryClient.setQueryData(deploymentKeys.detail(updated.id), updated);
      const moved = before.modelGroup !== updated.modelGroup;
      return invalidateAfterWrite(queryClient, {
        changed: moved ? [before.modelGroup, updated.modelGroup] : [updated.modelGroup],
        membership: moved,
      });
    },
  });

export const deleteDeploymentMutationOptions = (queryClient: QueryClient) =>
  mutationOptions({
    mutationKey: [...deploymentKeys.all, 'delete'],
    mutationFn: (deployment: Deployment) => deleteDeployment(deployment.id),
    onSuccess: (_result, deployment) => {
      queryClient.removeQueries({ queryKey: deploymentKeys.detail(deployment.id) });
      return invalidateAfterWrite(queryClient, { changed: [deployment.modelGroup], membership: true });
    },
  });

/** Changes nothing on the server, so nothing to invalidate. */
export const resetDeploymentMutationOptions = (queryClient: QueryClient) =>
  mutationOptions({
    mutationKey: [...deploymentKeys.all, 'reset'],
    mutationFn: (deployment: Pick<Deployment, 'id'>) => resetDeployment(deployment.id),
    onSuccess: (updated) => {
      queryClient.setQueryData(deploymentKeys.detail(updated.id), updated);
      return invalidateAfterWrite(queryClient, { changed: [updated.modelGroup], membership: false });
    },
  });

/** A test changes the live state (a rejected key benches the deployment, a success lifts that): refetch it. */
export const testDeploymentMutationOptions = (queryClient: QueryClient) =>
  mutationOptions({
    mutationKey: [...deploymentKeys.all, 'test'],
    mutationFn: (deployment: Pick<Deployment, 'id'>) => testDeployment(deployment.id),
    onSettled: (_result, _error, deployment) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: deploymentKeys.lists() }),
        queryClient.invalidateQueries({ queryKey: deploymentKeys.detail(deployment.id) }),
      ]),
  });
