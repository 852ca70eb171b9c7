import { z } from 'zod';
import { updateDeploymentSchema, updateModelGroupSchema } from './routing';

/** One deployment's routing numbers in a group-routing save. */
export const deploymentRoutingSchema = updateDeploymentSchema
  .pick({ weight: true, priority: true })
  .extend({ id: z.string().min(1).max(64).describe('A deployment of this model group.') })
  .strict();

/**
 * A model group's whole routing edit, saved in one request and one transaction: the policy and the
 * weights / priorities of its deployments are applied together or not at all.
 */
export const saveGroupRoutingSchema = z
  .object({
    policy: updateModelGroupSchema
      .optional()
      .describe('The policy fields that change; leave out (or `{}`) to keep the policy.'),
    deployments: z
      .array(deploymentRoutingSchema)
      .max(1000)
      .default([])
      .refine((list) => new Set(list.map((d) => d.id)).size === list.length, 'must not repeat a deployment')
      .describe('Weight and/or priority changes of deployments of this group; others are kept.'),
  })
  .strict();
export type SaveGroupRouting = z.input<typeof saveGroupRoutingSchema>;
