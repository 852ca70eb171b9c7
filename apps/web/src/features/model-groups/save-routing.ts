import type { Deployment, ModelGroup, UpdateDeployment, UpdateModelGroup } from '@switchboard/contracts';
import { mutationOptions, type QueryClient } from '@tanstack/react-query';
import { deploymentKeys } from '@/features/deployments/queries';
import { saveGroupRouting } from './api';
import { modelGroupKeys } from './queries';

export interface RoutingChanges {
  group: string;
  /** Changed policy fields only; `null` when the policy is unchanged. */
  policy: UpdateModelGroup | null;
  /** Weight / priority edits of the group's deployments. */
  deployments: { deployment: Deployment; patch: Pick<UpdateDeployment, 'weight' | 'priority'> }[];
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
        deployments: deployments.map(({ deployment, patch }) => ({ id: deployment.id, ...patch })),
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
