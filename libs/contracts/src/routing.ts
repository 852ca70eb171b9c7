import { z } from 'zod';
import { isoDate, nameSchema, pageOf, tagsSchema } from './common';

export const ROUTING_STRATEGIES = [
  'weighted-shuffle',
  'round-robin',
  'least-busy',
  'lowest-latency',
  'usage-based',
  'priority',
] as const;
export const routingStrategySchema = z
  .string()
  .transform((s) => (s === 'simple-shuffle' ? 'weighted-shuffle' : s))
  .pipe(z.enum(ROUTING_STRATEGIES));
export type RoutingStrategyName = (typeof ROUTING_STRATEGIES)[number];

export const PROVIDERS = ['openai', 'azure', 'openai-compatible', 'anthropic'] as const;

/** What a client request asks a deployment to do (one per data-plane route). */
export const CAPABILITIES = [
  'chat',
  'completions',
  'embeddings',
  'rerank',
  'audio.speech',
  'audio.transcriptions',
] as const;
export const capabilitySchema = z.enum(CAPABILITIES);
export type Capability = z.infer<typeof capabilitySchema>;
export const providerSchema = z.enum(PROVIDERS);
export type ProviderKind = z.infer<typeof providerSchema>;

const positiveIntOrNull = z.number().int().positive().nullable();
const url = z
  .string()
  .trim()
  .url('must be a URL such as https://api.openai.com/v1')
  .refine((u) => /^https?:\/\//.test(u), 'must start with http:// or https://');

// ---------- model groups ----------
export const modelGroupPolicyFields = {
  strategy: routingStrategySchema,
  numRetries: z.number().int().min(0).max(10),
  fallbacks: z.array(nameSchema).max(10),
  /** Failures within a minute tolerated before a cooldown (LiteLLM's `allowed_fails`; 0: the first cools down). */
  allowedFails: z.number().int().min(0).max(1000),
  cooldownSeconds: z.number().int().min(0).max(86400),
  /** No single failure (however long the upstream's Retry-After) benches a deployment for longer. */
  maxCooldownSeconds: z.number().int().min(1).max(86400),
  timeoutMs: z.number().int().min(100).max(3_600_000).nullable(),
  streamIdleTimeoutMs: z.number().int().min(100).max(3_600_000).nullable(),
};

export const createModelGroupSchema = z.object({
  name: nameSchema,
  strategy: modelGroupPolicyFields.strategy.default('weighted-shuffle'),
  numRetries: modelGroupPolicyFields.numRetries.default(2),
  fallbacks: modelGroupPolicyFields.fallbacks.default([]),
  allowedFails: modelGroupPolicyFields.allowedFails.default(3),
  cooldownSeconds: modelGroupPolicyFields.cooldownSeconds.default(60),
  maxCooldownSeconds: modelGroupPolicyFields.maxCooldownSeconds.default(300),
  timeoutMs: modelGroupPolicyFields.timeoutMs.default(null),
  streamIdleTimeoutMs: modelGroupPolicyFields.streamIdleTimeoutMs.default(null),
});
export type CreateModelGroup = z.input<typeof createModelGroupSchema>;

export const updateModelGroupSchema = z.object(modelGroupPolicyFields).partial().strict();
export type UpdateModelGroup = z.input<typeof updateModelGroupSchema>;

export const modelGroupSchema = z.object({
  id: z.string(),
  name: z.string(),
  strategy: z.enum(ROUTING_STRATEGIES),
  numRetries: z.number(),
  fallbacks: z.array(z.string()),
  allowedFails: z.number(),
  cooldownSeconds: z.number(),
  maxCooldownSeconds: z.number(),
  timeoutMs: z.number().nullable(),
  streamIdleTimeoutMs: z.number().nullable(),
  deploymentCount: z.number(),
  /** What share of traffic each deployment should get under the current policy. */
  expectedSplit: z.array(
    z.object({ deploymentId: z.string(), deploymentName: z.string(), share: z.number() }),
  ),
  createdAt: isoDate,
  updatedAt: isoDate,
});
export type ModelGroup = z.infer<typeof modelGroupSchema>;
export const modelGroupPageSchema = pageOf(modelGroupSchema);

// ---------- deployments ----------
const deploymentFields = {
  name: nameSchema,
  modelGroup: nameSchema,
  provider: providerSchema,
  model: z.string().trim().min(1, 'is required').max(256),
  apiBase: url.nullable(),
  apiKey: z.string().trim().min(1).max(4096).nullable(),
  apiVersion: z.string().trim().min(1).max(64).nullable(),
  weight: z.number().int().min(0).max(1_000_000).nullable(),
  priority: z.number().int().min(0).max(1000),
  rpmLimit: positiveIntOrNull,
  tpmLimit: positiveIntOrNull,
  timeoutMs: z.number().int().min(100).max(3_600_000).nullable(),
  enabled: z.boolean(),
  tags: tagsSchema,
  /** What the deployment serves; empty = its provider's defaults. */
  capabilities: z
    .array(capabilitySchema)
    .max(CAPABILITIES.length)
    .refine((list) => new Set(list).size === list.length, 'must not repeat a capability'),
};

function checkProviderNeeds(
  d: { provider?: string; apiBase?: string | null; apiVersion?: string | null },
  ctx: z.RefinementCtx,
) {
  if ((d.provider === 'openai-compatible' || d.provider === 'azure') && !d.apiBase) {
    ctx.addIssue({ code: 'custom', path: ['apiBase'], message: `is required for provider '${d.provider}'` });
  }
}

export const createDeploymentSchema = z
  .object({
    ...deploymentFields,
    apiBase: deploymentFields.apiBase.default(null),
    apiKey: deploymentFields.apiKey.default(null),
    apiVersion: deploymentFields.apiVersion.default(null),
    weight: deploymentFields.weight.default(null),
    priority: deploymentFields.priority.default(0),
    rpmLimit: deploymentFields.rpmLimit.default(null),
    tpmLimit: deploymentFields.tpmLimit.default(null),
    timeoutMs: deploymentFields.timeoutMs.default(null),
    enabled: deploymentFields.enabled.default(true),
    tags: deploymentFields.tags.default([]),
    capabilities: deploymentFields.capabilities.default([]),
  })
  .strict()
  .superRefine(checkProviderNeeds);
export type CreateDeployment = z.input<typeof createDeploymentSchema>;

export const updateDeploymentSchema = z.object(deploymentFields).partial().strict();
export type UpdateDeployment = z.input<typeof updateDeploymentSchema>;

export const deploymentLiveStateSchema = z.object({
  /** healthy | cooling_down | disabled */
  status: z.enum(['healthy', 'cooling_down', 'disabled']),
  cooldownUntil: isoDate.nullable(),
  cooldownReason: z.string().nullable(),
  lastError: z.string().nullable(),
  inFlight: z.number(),
  rpmUsed: z.number(),
  tpmUsed: z.number(),
  latencyMs: z.number().nullable(),
  ttftMs: z.number().nullable(),
  /** When the last failed attempt (or failed test) happened / the last attempt (or test) succeeded. */
  lastErrorAt: isoDate.nullable(),
  lastSuccessAt: isoDate.nullable(),
});
export type DeploymentLiveState = z.infer<typeof deploymentLiveStateSchema>;

export const deploymentSchema = z.object({
  id: z.string(),
  name: z.string(),
  modelGroup: z.string(),
  provider: providerSchema,
  model: z.string(),
  apiBase: z.string().nullable(),
  /** The key itself is write-only; this is a hint such as `sk-…abcd`. */
  apiKeyHint: z.string().nullable(),
  apiVersion: z.string().nullable(),
  weight: z.number().nullable(),
  priority: z.number(),
  rpmLimit: z.number().nullable(),
  tpmLimit: z.number().nullable(),
  timeoutMs: z.number().nullable(),
  enabled: z.boolean(),
  tags: z.array(z.string()),
  /** As stored: empty means the provider's defaults. */
  capabilities: z.array(capabilitySchema),
  /** What the router actually sends it: `capabilities`, or the provider's defaults. */
  effectiveCapabilities: z.array(capabilitySchema),
  state: deploymentLiveStateSchema,
  createdAt: isoDate,
  updatedAt: isoDate,
});
export type Deployment = z.infer<typeof deploymentSchema>;
export const deploymentPageSchema = pageOf(deploymentSchema);

export const deploymentListQuerySchema = z.object({
  modelGroup: z.string().optional(),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const deploymentTestResultSchema = z.object({
  ok: z.boolean(),
  status: z.number().nullable(),
  latencyMs: z.number(),
  message: z.string(),
});
export type DeploymentTestResult = z.infer<typeof deploymentTestResultSchema>;
