import type { ModelGroup } from '@switchboard/contracts';
import { mutationOptions, type QueryClient } from '@tanstack/react-query';
import { deploymentKeys } from '@/features/deployments/queries';
import { saveGroupRouting } from './api';
import type { RoutingChangeSet } from './policy-form';
import { modelGroupKeys } from './queries';

/** A group's changed policy fields (`null`: unchanged) and the weight / priority edits of its deployments. */
export interface RoutingChanges extends RoutingChangeSet {
  group: string;
}

/**
 * Applies a routing edit in one request, which the API applies as one transaction: the policy and every
 * weight or priority together, or nothing. The answer carries the split the router uses now.
 * Invalidates the deployment lists (weights are shown there) and the group list when the policy changed.
 */
export const saveRoutingMutationOptions = (queryClient: QueryClient) =>
  mutationOptions({
    mutationKey: [...modelGroupKeys.all, 'save-routing'],
    mutationFn: ({ group, policy, deployments }: RoutingChanges): Promise<ModelGroup> =>
      saveGroupRouting(group, {
        ...(policy ? { policy } : {}),
        deployments,
      }),
    onSuccess: (group) => {
      queryClient.setQueryData(modelGroupKeys.detail(group.name), group);
    },
    onSettled: (_group, _error, changes) =>
      Promise.all([
        changes.deployments.length > 0
          ? queryClient.invalidateQueries({ queryKey: deploymentKeys.lists() })
          : null,
        changes.policy ? queryClient.invalidateQueries({ queryKey: modelGroupKeys.lists() }) : null,
      ]),
  });
