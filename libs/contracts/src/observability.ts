import { z } from 'zod';
import { isoDate, pageOf } from './common';

// ---------- request logs ----------
export const attemptSchema = z.object({
  deploymentId: z.string(),
  deploymentName: z.string(),
  modelGroup: z.string(),
  status: z.number(),
  errorKind: z.string().nullable(),
  latencyMs: z.number(),
  startedAt: z.number(),
});
export type Attempt = z.infer<typeof attemptSchema>;

export const requestLogSchema = z.object({
  id: z.string(),
  createdAt: isoDate,
  requestId: z.string(),
  route: z.string(),
  keyId: z.string().nullable(),
  projectId: z.string().nullable(),
  modelGroup: z.string(),
  deploymentId: z.string().nullable(),
  deploymentName: z.string().nullable(),
  attemptCount: z.number(),
  status: z.number(),
  errorType: z.string().nullable(),
  errorMessage: z.string().nullable(),
  latencyMs: z.number(),
  ttftMs: z.number().nullable(),
  promptTokens: z.number(),
  completionTokens: z.number(),
  totalTokens: z.number(),
  costUsd: z.number(),
  stream: z.boolean(),
  endUser: z.string().nullable(),
});
export type RequestLog = z.infer<typeof requestLogSchema>;
export const requestLogDetailSchema = requestLogSchema.extend({ attempts: z.array(attemptSchema) });
export type RequestLogDetail = z.infer<typeof requestLogDetailSchema>;
export const requestLogPageSchema = pageOf(requestLogSchema);

export const logStatusFilterSchema = z.enum(['success', 'error']);
export const logListQuerySchema = z.object({
  from: isoDate.optional(),
  to: isoDate.optional(),
  projectId: z.string().uuid().optional(),
  keyId: z.string().uuid().optional(),
  modelGroup: z.string().optional(),
  deploymentId: z.string().uuid().optional(),
  /** `success`, `error`, or an exact HTTP status such as `429`. */
  status: z.union([logStatusFilterSchema, z.coerce.number().int().min(100).max(599)]).optional(),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type LogListQuery = z.infer<typeof logListQuerySchema>;

// ---------- statistics ----------
export const STATS_GROUP_BY = ['deployment', 'project', 'key', 'modelGroup'] as const;
export const STATS_INTERVALS = ['minute', 'hour', 'day'] as const;
export const distributionQuerySchema = z.object({
  from: isoDate,
  to: isoDate,
  groupBy: z.enum(STATS_GROUP_BY).default('deployment'),
  interval: z.enum(STATS_INTERVALS).default('hour'),
});
export type DistributionQuery = z.infer<typeof distributionQuerySchema>;

const statValues = {
  requests: z.number(),
  errors: z.number(),
  promptTokens: z.number(),
  completionTokens: z.number(),
  totalTokens: z.number(),
  costUsd: z.number(),
  latencyP50Ms: z.number().nullable(),
  latencyP95Ms: z.number().nullable(),
};
export const distributionBucketSchema = z.object({ bucket: isoDate, ...statValues });
export const distributionGroupSchema = z.object({
  key: z.string().nullable(),
  label: z.string(),
  totals: z.object(statValues).extend({ share: z.number() }),
  buckets: z.array(distributionBucketSchema),
});
export const distributionSchema = z.object({
  from: isoDate,
  to: isoDate,
  groupBy: z.enum(STATS_GROUP_BY),
  interval: z.enum(STATS_INTERVALS),
  totals: z.object(statValues),
  groups: z.array(distributionGroupSchema),
});
export type Distribution = z.infer<typeof distributionSchema>;

// ---------- usage summary (the overview's headline numbers) ----------
export const usageSummaryQuerySchema = z.object({ from: isoDate, to: isoDate });
export type UsageSummaryQuery = z.infer<typeof usageSummaryQuerySchema>;

/** Headline numbers for [from, to), from the usage rollups (one-minute resolution). */
export const usageSummarySchema = z.object({
  from: isoDate,
  to: isoDate,
  requests: z.number(),
  errors: z.number(),
  /** errors / requests, 0 without requests. */
  errorRate: z.number(),
  requestsPerMinute: z.number(),
  latencyP50Ms: z.number().nullable(),
  latencyP95Ms: z.number().nullable(),
  promptTokens: z.number(),
  completionTokens: z.number(),
  totalTokens: z.number(),
  costUsd: z.number(),
  /**
   * Requests refused before any key was recognised (no key, unknown or revoked key): counted per minute,
   * not logged, and not part of `requests`, `errors` or `errorRate`.
   */
  refused: z.number(),
  refusedByReason: z.array(z.object({ reason: z.string(), status: z.number(), count: z.number() })),
});
export type UsageSummary = z.infer<typeof usageSummarySchema>;

// ---------- prices ----------
export const modelPriceSchema = z.object({
  model: z.string(),
  inputUsdPerMTokens: z.number(),
  outputUsdPerMTokens: z.number(),
  updatedAt: isoDate,
});
export type ModelPrice = z.infer<typeof modelPriceSchema>;
export const modelPricePageSchema = pageOf(modelPriceSchema);
export const putModelPriceSchema = z
  .object({
    inputUsdPerMTokens: z.number().min(0).max(100000),
    outputUsdPerMTokens: z.number().min(0).max(100000),
  })
  .strict();

// ---------- audit ----------
export const auditEventSchema = z.object({
  id: z.string(),
  createdAt: isoDate,
  actor: z.string(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;
export const auditEventPageSchema = pageOf(auditEventSchema);
export const auditListQuerySchema = z.object({
  targetType: z.string().optional(),
  targetId: z.string().optional(),
  action: z.string().optional(),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

// ---------- LiteLLM import ----------
export const importChangeSchema = z.object({
  action: z.enum(['create', 'update', 'unchanged']),
  kind: z.enum(['modelGroup', 'deployment', 'masterKey']),
  name: z.string(),
  /** Field names that would change (update only). */
  fields: z.array(z.string()).default([]),
});
export const importPlanSchema = z.object({
  dryRun: z.boolean(),
  changes: z.array(importChangeSchema),
  warnings: z.array(z.string()),
  summary: z.object({ create: z.number(), update: z.number(), unchanged: z.number() }),
});
export type ImportPlan = z.infer<typeof importPlanSchema>;
