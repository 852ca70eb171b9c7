import { z } from 'zod';
import { isoDate, pageOf, tagsSchema } from './common';

// ---------- projects ----------
const PROJECT_FIELD = {
  name: 'A project groups virtual keys (a team, an app); its spend is the sum of its keys.',
  tags: 'Free-form labels.',
  storeBodies:
    "Keep the request and response bodies of this project's requests (redacted, capped), shown in the log detail. Off by default; bodies may contain personal data.",
  bodyMaxBytes: 'Each stored body is cut at this many UTF-8 bytes (1 KiB to 1 MiB) and marked truncated.',
  bodyRetentionDays: 'Stored bodies are deleted after this many days (1 to 90).',
};

export const BODY_MAX_BYTES_MIN = 1024;
export const BODY_MAX_BYTES_MAX = 1_048_576;
export const BODY_RETENTION_DAYS_MAX = 90;
const bodyMaxBytesSchema = z
  .number()
  .int()
  .min(BODY_MAX_BYTES_MIN, `must be at least ${BODY_MAX_BYTES_MIN} bytes`)
  .max(BODY_MAX_BYTES_MAX, `must be at most ${BODY_MAX_BYTES_MAX} bytes (1 MiB)`)
  .describe(PROJECT_FIELD.bodyMaxBytes);
const bodyRetentionDaysSchema = z
  .number()
  .int()
  .min(1, 'must be at least 1 day')
  .max(BODY_RETENTION_DAYS_MAX, `must be at most ${BODY_RETENTION_DAYS_MAX} days`)
  .describe(PROJECT_FIELD.bodyRetentionDays);

export const createProjectSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, 'is required')
      .max(128)
      .meta({ description: PROJECT_FIELD.name, examples: ['Support bot'] }),
    description: z.string().trim().max(2000).nullable().default(null),
    tags: tagsSchema.default([]).describe(PROJECT_FIELD.tags),
    storeBodies: z.boolean().default(false).describe(PROJECT_FIELD.storeBodies),
    bodyMaxBytes: bodyMaxBytesSchema.default(32_768),
    bodyRetentionDays: bodyRetentionDaysSchema.default(7),
  })
  .strict();
export type CreateProject = z.input<typeof createProjectSchema>;
export const updateProjectSchema = z
  .object({
    name: z.string().trim().min(1).max(128).describe(PROJECT_FIELD.name),
    description: z.string().trim().max(2000).nullable(),
    tags: tagsSchema.describe(PROJECT_FIELD.tags),
    storeBodies: z.boolean().describe(PROJECT_FIELD.storeBodies),
    bodyMaxBytes: bodyMaxBytesSchema,
    bodyRetentionDays: bodyRetentionDaysSchema,
  })
  .partial()
  .strict();
export type UpdateProject = z.input<typeof updateProjectSchema>;

export const projectSchema = z.object({
  id: z.string(),
  name: z.string().describe(PROJECT_FIELD.name),
  description: z.string().nullable(),
  tags: z.array(z.string()).describe(PROJECT_FIELD.tags),
  spendUsd: z.number().describe('Total spend of its keys, in USD.'),
  keyCount: z.number().describe('Keys that are not revoked.'),
  storeBodies: z.boolean().describe(PROJECT_FIELD.storeBodies),
  bodyMaxBytes: z.number().describe(PROJECT_FIELD.bodyMaxBytes),
  bodyRetentionDays: z.number().describe(PROJECT_FIELD.bodyRetentionDays),
  createdAt: isoDate,
  updatedAt: isoDate,
});
export type Project = z.infer<typeof projectSchema>;
export const projectPageSchema = pageOf(projectSchema);

// ---------- virtual keys ----------
export const BUDGET_PERIODS = ['daily', 'weekly', 'monthly', 'total'] as const;
export const budgetPeriodSchema = z.enum(BUDGET_PERIODS);
export type BudgetPeriod = z.infer<typeof budgetPeriodSchema>;

/** One text per key field, shared by the request and response schemas. */
const KEY_FIELD = {
  alias: 'A readable name, used in error messages the key holder sees.',
  models: 'Model groups the key may use; empty: all. Others are refused with 403 `model_not_allowed`.',
  rpmLimit: 'Requests per minute; over it: 429 `rate_limit_exceeded` with Retry-After. null: unlimited.',
  tpmLimit: 'Tokens per minute; over it: 429 `rate_limit_exceeded` with Retry-After. null: unlimited.',
  maxParallel: 'Requests in flight at once; over it: 429 `rate_limit_exceeded`. null: unlimited.',
  maxBudgetUsd: 'Spend limit in USD per `budgetPeriod`; over it: 429 `insufficient_quota`. null: no budget.',
  budgetPeriod: 'When the budget resets: daily, weekly, monthly (UTC), or `total` (never). null: total.',
  endUserRpmLimit:
    "Requests per minute per end user (the request's `user` field, which Dify fills with its app's end-user id); over it: 429 `end_user_rate_limit_exceeded` with Retry-After. Requests without `user` are not counted. null: no limit.",
  endUserDailyBudgetUsd:
    "Spend limit in USD per end user (the request's `user` field) per UTC day; over it: 429 `end_user_budget_exceeded` until midnight UTC. null: no limit.",
  expiresAt: 'After this the key is refused (401). null: never.',
  metadata: 'Free-form JSON kept with the key.',
};

const keyFields = {
  alias: z.string().trim().min(1).max(128).nullable().describe(KEY_FIELD.alias),
  models: z.array(z.string().trim().min(1)).max(200).describe(KEY_FIELD.models),
  rpmLimit: z.number().int().positive().nullable().describe(KEY_FIELD.rpmLimit),
  tpmLimit: z.number().int().positive().nullable().describe(KEY_FIELD.tpmLimit),
  maxParallel: z.number().int().positive().nullable().describe(KEY_FIELD.maxParallel),
  endUserRpmLimit: z.number().int().positive().nullable().describe(KEY_FIELD.endUserRpmLimit),
  endUserDailyBudgetUsd: z.number().positive().nullable().describe(KEY_FIELD.endUserDailyBudgetUsd),
  maxBudgetUsd: z.number().positive().nullable().describe(KEY_FIELD.maxBudgetUsd),
  budgetPeriod: budgetPeriodSchema.nullable().describe(KEY_FIELD.budgetPeriod),
  expiresAt: isoDate.nullable().describe(KEY_FIELD.expiresAt),
  metadata: z.record(z.string(), z.unknown()).describe(KEY_FIELD.metadata),
};

export const createKeySchema = z
  .object({
    projectId: z.string().uuid('must be a project id').describe('The project the key belongs to.'),
    alias: keyFields.alias.default(null),
    models: keyFields.models.default([]),
    rpmLimit: keyFields.rpmLimit.default(null),
    tpmLimit: keyFields.tpmLimit.default(null),
    maxParallel: keyFields.maxParallel.default(null),
    endUserRpmLimit: keyFields.endUserRpmLimit.default(null),
    endUserDailyBudgetUsd: keyFields.endUserDailyBudgetUsd.default(null),
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
    gracePeriodSeconds: z
      .number()
      .int()
      .min(0)
      .max(30 * 86400)
      .default(0)
      .describe('Keep the old secret valid this long (0: it stops working at once).'),
  })
  .strict();

export const virtualKeySchema = z.object({
  id: z.string(),
  projectId: z.string(),
  projectName: z.string().optional(),
  alias: z.string().nullable().describe(KEY_FIELD.alias),
  prefix: z
    .string()
    .describe(
      'A hint such as `sk-sb-AbCd…wxyz`; the secret itself is answered once, at creation or rotation.',
    ),
  models: z.array(z.string()).describe(KEY_FIELD.models),
  rpmLimit: z.number().nullable().describe(KEY_FIELD.rpmLimit),
  tpmLimit: z.number().nullable().describe(KEY_FIELD.tpmLimit),
  maxParallel: z.number().nullable().describe(KEY_FIELD.maxParallel),
  endUserRpmLimit: z.number().nullable().describe(KEY_FIELD.endUserRpmLimit),
  endUserDailyBudgetUsd: z.number().nullable().describe(KEY_FIELD.endUserDailyBudgetUsd),
  maxBudgetUsd: z.number().nullable().describe(KEY_FIELD.maxBudgetUsd),
  budgetPeriod: budgetPeriodSchema.nullable().describe(KEY_FIELD.budgetPeriod),
  budgetResetAt: isoDate.nullable().describe('When the budget resets next; null: it never does.'),
  periodSpendUsd: z.number().describe('Spend in the current budget period, in USD.'),
  spendUsd: z.number().describe('Spend since the key was created, in USD.'),
  expiresAt: isoDate.nullable().describe(KEY_FIELD.expiresAt),
  metadata: z.record(z.string(), z.unknown()).describe(KEY_FIELD.metadata),
  lastUsedAt: isoDate.nullable(),
  revokedAt: isoDate.nullable().describe('Set once the key is revoked; it is refused from then on.'),
  createdAt: isoDate,
  updatedAt: isoDate,
});
export type VirtualKey = z.infer<typeof virtualKeySchema>;
export const virtualKeyPageSchema = pageOf(virtualKeySchema);
/** POST /api/keys and POST /api/keys/:id/rotate answer the plaintext once, as `key`. */
export const createdKeySchema = virtualKeySchema.extend({
  key: z.string().describe('The secret (`sk-sb-…`), answered this once: store it now.'),
});
export type CreatedKey = z.infer<typeof createdKeySchema>;

export const keyListQuerySchema = z.object({
  projectId: z.string().uuid().optional().describe('Only keys of this project.'),
  includeRevoked: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('Also list revoked keys.'),
  cursor: z.string().optional().describe('`nextCursor` of the previous page.'),
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('Page size.'),
});

// ---------- auth ----------
export const loginSchema = z.object({ masterKey: z.string().min(1, 'is required') }).strict();
