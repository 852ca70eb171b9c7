import type { Deployment, ModelGroup, UpdateDeployment, UpdateModelGroup } from '@switchboard/contracts';
import { mutationOptions, type QueryClient } from '@tanstack/react-query';
import { updateDeployment } from '@/features/deployments/api';
import { deploymentKeys } from '@/features/deployments/queries';
import { getModelGroup, updateModelGroup } from './api';
import { modelGroupKeys } from './queries';

export interface RoutingChanges {
  group: string;
  /** Changed policy fields only; `null` when the policy is unchanged. */
  policy: UpdateModelGroup | null;
  /** Weight / priority edits, one PATCH per changed deployment. */
  deployments: { deployment: Deployment; patch: UpdateDeployment }[];
}

/** Some deployment edits failed after the policy (and the other edits) were applied. */
export class PartialRoutingSaveError extends Error {
  override readonly name = 'PartialRoutingSaveError';

  constructor(
    readonly group: ModelGroup,
    readonly failures: { deployment: Deployment; error: unknown }[],
  ) {
    super(
      `Saved, except for ${failures.map((f) => f.deployment.name).join(', ')}: ${
        failures[0]?.error instanceof Error ? failures[0].error.message : 'the update failed'
      }`,
    );
  }
}

/**
 * Applies a routing edit: the group policy first (if the API rejects it, nothing was changed), then
 * each deployment's weight or priority, then reads the group back so `expectedSplit` reflects
 * all of it. Invalidates that group's detail and the deployment lists; the group list only when
 * the policy (shown there) changed.
 */
export const saveRoutingMutationOptions = (queryClient: QueryClient) =>
  mutationOptions({
    mutationKey: [...modelGroupKeys.all, 'save-routing'],
    mutationFn: async ({ group, policy, deployments }: RoutingChanges): Promise<ModelGroup> => {
      let saved = policy ? await updateModelGroup(group, policy) : null;
      const results = await Promise.allSettled(
        deployments.map(({ deployment, patch }) => updateDeployment(deployment.id, patch)),
      );
      // The policy answer predates the weight edits; read the split the router uses now.
      if (deployments.length > 0 || saved === null) saved = await getModelGroup(group);
      const failures = results.flatMap((result, i) =>
        result.status === 'rejected'
          ? [{ deployment: deployments[i].deployment, error: result.reason as unknown }]
          : [],
      );
      if (failures.length > 0) throw new PartialRoutingSaveError(saved, failures);
      return saved;
    },
    onSuccess: (group) => {
      queryClient.setQueryData(modelGroupKeys.detail(group.name), group);
    },
    onError: (error) => {
      if (error instanceof PartialRoutingSaveError)
        queryClient.setQueryData(modelGroupKeys.detail(error.group.name), error.group);
    },
    onSettled: (_group, _error, changes) =>
      Promise.all([
        changes.deployments.length > 0
          ? queryClient.invalidateQueries({ queryKey: deploymentKeys.lists() })
          : null,
        changes.policy ? queryClient.invalidateQueries({ queryKey: modelGroupKeys.lists() }) : null,
      ]),
  });
