import { z } from 'zod';
import { isoDate, pageOf, tagsSchema } from './common';

// ---------- projects ----------
export const createProjectSchema = z
  .object({
    name: z.string().trim().min(1, 'is required').max(128),
    description: z.string().trim().max(2000).nullable().default(null),
    tags: tagsSchema.default([]),
  })
  .strict();
export type CreateProject = z.input<typeof createProjectSchema>;
export const updateProjectSchema = z
  .object({
    name: z.string().trim().min(1).max(128),
    description: z.string().trim().max(2000).nullable(),
    tags: tagsSchema,
  })
  .partial()
  .strict();
export type UpdateProject = z.input<typeof updateProjectSchema>;

export const projectSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  tags: z.array(z.string()),
  spendUsd: z.number(),
  keyCount: z.number(),
  createdAt: isoDate,
  updatedAt: isoDate,
});
export type Project = z.infer<typeof projectSchema>;
export const projectPageSchema = pageOf(projectSchema);

// ---------- virtual keys ----------
export const BUDGET_PERIODS = ['daily', 'weekly', 'monthly', 'total'] as const;
export const budgetPeriodSchema = z.enum(BUDGET_PERIODS);
export type BudgetPeriod = z.infer<typeof budgetPeriodSchema>;

const keyFields = {
  alias: z.string().trim().min(1).max(128).nullable(),
  /** Allowed model groups; empty = all. */
  models: z.array(z.string().trim().min(1)).max(200),
  rpmLimit: z.number().int().positive().nullable(),
  tpmLimit: z.number().int().positive().nullable(),
  maxParallel: z.number().int().positive().nullable(),
  maxBudgetUsd: z.number().positive().nullable(),
  budgetPeriod: budgetPeriodSchema.nullable(),
  expiresAt: isoDate.nullable(),
  metadata: z.record(z.string(), z.unknown()),
};

export const createKeySchema = z
  .object({
    projectId: z.string().uuid('must be a project id'),
    alias: keyFields.alias.default(null),
    models: keyFields.models.default([]),
    rpmLimit: keyFields.rpmLimit.default(null),
    tpmLimit: keyFields.tpmLimit.default(null),
    maxParallel: keyFields.maxParallel.default(null),
    maxBudgetUsd: keyFields.maxBudgetUsd.default(null),
    budgetPeriod: keyFields.budgetPeriod.default(null),
    expiresAt: keyFields.expiresAt.default(null),
    metadata: keyFields.metadata.default({}),
  })
  .strict();
export type CreateKey = z.input<typeof createKeySchema>;
export const updateKeySchema = z.object(keyFields).partial().strict();
export type UpdateKey = z.input<typeof updateKeySchema>;

export const rotateKeySchema = z
  .object({
    /** Keep the old secret valid this long (0 = revoke it at once). */
    gracePeriodSeconds: z
      .number()
      .int()
      .min(0)
      .max(30 * 86400)
      .default(0),
  })
  .strict();

export const virtualKeySchema = z.object({
  id: z.string(),
  projectId: z.string(),
  projectName: z.string().optional(),
  alias: z.string().nullable(),
  /** e.g. `sk-sb-AbCd…wxyz`; the secret itself is shown once, at creation or rotation. */
  prefix: z.string(),
  models: z.array(z.string()),
  rpmLimit: z.number().nullable(),
  tpmLimit: z.number().nullable(),
  maxParallel: z.number().nullable(),
  maxBudgetUsd: z.number().nullable(),
  budgetPeriod: budgetPeriodSchema.nullable(),
  budgetResetAt: isoDate.nullable(),
  periodSpendUsd: z.number(),
  spendUsd: z.number(),
  expiresAt: isoDate.nullable(),
  metadata: z.record(z.string(), z.unknown()),
  lastUsedAt: isoDate.nullable(),
  revokedAt: isoDate.nullable(),
  createdAt: isoDate,
  updatedAt: isoDate,
});
export type VirtualKey = z.infer<typeof virtualKeySchema>;
export const virtualKeyPageSchema = pageOf(virtualKeySchema);
/** POST /api/keys and POST /api/keys/:id/rotate answer the plaintext once, as `key`. */
export const createdKeySchema = virtualKeySchema.extend({ key: z.string() });
export type CreatedKey = z.infer<typeof createdKeySchema>;

export const keyListQuerySchema = z.object({
  projectId: z.string().uuid().optional(),
  includeRevoked: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

// ---------- auth ----------
export const loginSchema = z.object({ masterKey: z.string().min(1, 'is required') }).strict();
export const sessionSchema = z.object({ authenticated: z.literal(true), expiresAt: isoDate });
