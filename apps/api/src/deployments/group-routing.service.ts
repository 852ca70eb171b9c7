import { Injectable } from '@nestjs/common';
import type { ModelGroup, saveGroupRoutingSchema } from '@switchboard/contracts';
import type { z } from 'zod';
import { AdminError } from '../common/errors';
import { UnitOfWork } from '../database/unit-of-work';
import { ModelGroupService } from '../model-groups/model-group.service';
import { isDeploymentId } from './deployment-id';
import { DeploymentService } from './deployment.service';

export type SaveGroupRoutingInput = z.output<typeof saveGroupRoutingSchema>;

/**
 * Saves a model group's routing edit (policy, weights, priorities) as one transaction: every change is
 * validated and audited as the single-object routes do, the router reloads once after the commit, and a
 * refused change leaves nothing half-applied.
 */
@Injectable()
export class GroupRoutingService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly groups: ModelGroupService,
    private readonly deployments: DeploymentService,
  ) {}

  async save(name: string, input: SaveGroupRoutingInput, actor: string): Promise<ModelGroup> {
    await this.unitOfWork.run(async () => {
      await this.groups.get(name);
      if (input.policy && Object.keys(input.policy).length > 0)
        await this.groups.update(name, input.policy, actor);
      for (const [i, { id, ...patch }] of input.deployments.entries()) {
        const current = isDeploymentId(id) ? await this.deployments.find(id) : null;
        if (current?.modelGroup !== name) {
          const path = `deployments.${i}.id`;
          const message = current
            ? `deployment '${current.name}' belongs to model group '${current.modelGroup}', not '${name}'`
            : `there is no deployment with id '${id}'`;
          throw new AdminError(400, 'validation_failed', `Invalid request: ${path}: ${message}`, [
            { path, message },
          ]);
        }
        if (Object.keys(patch).length > 0) await this.deployments.update(id, patch, actor);
      }
    });
    // After the commit and the router's reload: the answer's expectedSplit is what routing does now.
    return this.groups.get(name);
  }
}
