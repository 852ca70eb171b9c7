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
  .pipe(z.enum(ROUTING_STRATEGIES))
  .meta({
    description:
      "How a request picks a deployment of the group: weighted-shuffle (LiteLLM's simple-shuffle, also accepted), round-robin, least-busy, lowest-latency, usage-based (most rate-limit headroom) or priority (lowest priority tier first).",
    examples: ['weighted-shuffle'],
  });
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
/** One text per model-group field, shared by the request and response schemas. */
const GROUP_FIELD = {
  name: 'The model name clients send as `model` (e.g. `gpt-4o`); unique.',
  numRetries:
    'Further attempts on other deployments of the group after a failed one (a request gets 1 + numRetries attempts per group).',
  fallbacks:
    'Model groups tried in order, each with its own attempts, when every deployment of this group failed or is unavailable.',
  allowedFails:
    "Failures of one deployment within a minute tolerated before it cools down (LiteLLM's `allowed_fails`; 0: the first failure cools it down).",
  cooldownSeconds:
    'How long a failing deployment is left out of rotation (longer when the upstream asks with Retry-After).',
  maxCooldownSeconds:
    "The longest one failure benches a deployment for, however long the upstream's Retry-After.",
  timeoutMs:
    "Per-attempt timeout in ms for this group; null: the gateway's UPSTREAM_TIMEOUT_MS. A longer value also extends the whole request's deadline.",
  streamIdleTimeoutMs: 'A stream that sends nothing for this long (ms) is failed; null: 300000.',
};

export const modelGroupPolicyFields = {
  strategy: routingStrategySchema,
  numRetries: z.number().int().min(0).max(10).describe(GROUP_FIELD.numRetries),
  fallbacks: z
    .array(nameSchema)
    .max(10)
    .meta({ description: GROUP_FIELD.fallbacks, examples: [['gpt-4o']] }),
  allowedFails: z.number().int().min(0).max(1000).describe(GROUP_FIELD.allowedFails),
  cooldownSeconds: z.number().int().min(0).max(86400).describe(GROUP_FIELD.cooldownSeconds),
  maxCooldownSeconds: z.number().int().min(1).max(86400).describe(GROUP_FIELD.maxCooldownSeconds),
  timeoutMs: z.number().int().min(100).max(3_600_000).nullable().describe(GROUP_FIELD.timeoutMs),
  streamIdleTimeoutMs: z
    .number()
    .int()
    .min(100)
    .max(3_600_000)
    .nullable()
    .describe(GROUP_FIELD.streamIdleTimeoutMs),
};

export const createModelGroupSchema = z.object({
  name: nameSchema.meta({ description: GROUP_FIELD.name, examples: ['gpt-4o-mini'] }),
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
  name: z.string().describe(GROUP_FIELD.name),
  strategy: z.enum(ROUTING_STRATEGIES).describe('How a request picks a deployment of the group.'),
  numRetries: z.number().describe(GROUP_FIELD.numRetries),
  fallbacks: z.array(z.string()).describe(GROUP_FIELD.fallbacks),
  allowedFails: z.number().describe(GROUP_FIELD.allowedFails),
  cooldownSeconds: z.number().describe(GROUP_FIELD.cooldownSeconds),
  maxCooldownSeconds: z.number().describe(GROUP_FIELD.maxCooldownSeconds),
  timeoutMs: z.number().nullable().describe(GROUP_FIELD.timeoutMs),
  streamIdleTimeoutMs: z.number().nullable().describe(GROUP_FIELD.streamIdleTimeoutMs),
  deploymentCount: z.number(),
  expectedSplit: z
    .array(z.object({ deploymentId: z.string(), deploymentName: z.string(), share: z.number() }))
    .describe('The share of traffic (0..1) each deployment should get under the current policy.'),
  createdAt: isoDate,
  updatedAt: isoDate,
});
export type ModelGroup = z.infer<typeof modelGroupSchema>;
export const modelGroupPageSchema = pageOf(modelGroupSchema);

// ---------- deployments ----------
/** One text per deployment field, shared by the request and response schemas. */
const DEPLOYMENT_FIELD = {
  name: 'Unique name of the deployment, shown in logs and in the `x-switchboard-deployment` header.',
  modelGroup: 'The model group (the `model` clients send) this deployment serves; created when missing.',
  provider:
    'Upstream kind: `openai`, `azure` (needs apiBase), `openai-compatible` (needs apiBase: vLLM, Ollama, LM Studio, DeepSeek…) or `anthropic`.',
  model: 'The model name sent upstream, e.g. `gpt-4o-mini` or an Azure deployment name.',
  apiBase: "Upstream base URL, e.g. `https://api.openai.com/v1`; null: the provider's default.",
  apiVersion: 'Azure `api-version`; null: the default.',
  weight:
    'Share of traffic under weighted-shuffle and within a priority tier (0: standby, used only when nothing else is available); null counts as 1, or the rpm/tpm limits decide when no deployment of the group has a weight.',
  priority:
    'Tier under the priority strategy: 0 first; higher tiers get traffic only while every lower one is unavailable.',
  rpmLimit: 'Requests per minute this deployment may be sent; null: unlimited.',
  tpmLimit: 'Tokens per minute this deployment may be sent; null: unlimited.',
  timeoutMs: "Per-attempt timeout in ms; null: the group's or the gateway's.",
  enabled: 'A disabled deployment gets no traffic.',
  tags: 'Free-form labels.',
  capabilities:
    "What the deployment serves (chat, completions, embeddings, rerank, audio.speech, audio.transcriptions); empty: its provider's defaults.",
  probeIntervalSeconds:
    'Background health checks: probe the upstream every this many seconds (10 to 86400) even without traffic; null: no background checks (a benched deployment is still probed, see probeMode).',
  probeMode:
    "What a health check sends: `models` (default) the provider's free check such as `GET /models`, costs nothing; `chat` a 1-token chat completion, billed by the provider.",
};

/** What a background health check sends (see DEPLOYMENT_FIELD.probeMode). */
export const PROBE_MODES = ['models', 'chat'] as const;
export type ProbeMode = (typeof PROBE_MODES)[number];
/** The shortest background health-check interval the API accepts. */
export const MIN_PROBE_INTERVAL_SECONDS = 10;
export const MAX_PROBE_INTERVAL_SECONDS = 86_400;

const deploymentFields = {
  name: nameSchema.meta({ description: DEPLOYMENT_FIELD.name, examples: ['openai-gpt-4o-mini'] }),
  modelGroup: nameSchema.meta({ description: DEPLOYMENT_FIELD.modelGroup, examples: ['gpt-4o-mini'] }),
  provider: providerSchema.describe(DEPLOYMENT_FIELD.provider),
  model: z
    .string()
    .trim()
    .min(1, 'is required')
    .max(256)
    .meta({ description: DEPLOYMENT_FIELD.model, examples: ['gpt-4o-mini'] }),
  apiBase: url
    .nullable()
    .meta({ description: DEPLOYMENT_FIELD.apiBase, examples: ['https://api.openai.com/v1'] }),
  apiKey: z.string().trim().min(1).max(4096).nullable().meta({
    description:
      'The upstream API key. Write-only: stored encrypted and never answered (answers carry `apiKeyHint`). On update, null removes it and leaving it out keeps it.',
    writeOnly: true,
  }),
  apiVersion: z.string().trim().min(1).max(64).nullable().describe(DEPLOYMENT_FIELD.apiVersion),
  weight: z.number().int().min(0).max(1_000_000).nullable().describe(DEPLOYMENT_FIELD.weight),
  priority: z.number().int().min(0).max(1000).describe(DEPLOYMENT_FIELD.priority),
  rpmLimit: positiveIntOrNull.describe(DEPLOYMENT_FIELD.rpmLimit),
  tpmLimit: positiveIntOrNull.describe(DEPLOYMENT_FIELD.tpmLimit),
  timeoutMs: z.number().int().min(100).max(3_600_000).nullable().describe(DEPLOYMENT_FIELD.timeoutMs),
  enabled: z.boolean().describe(DEPLOYMENT_FIELD.enabled),
  tags: tagsSchema.describe(DEPLOYMENT_FIELD.tags),
  capabilities: z
    .array(capabilitySchema)
    .max(CAPABILITIES.length)
    .refine((list) => new Set(list).size === list.length, 'must not repeat a capability')
    .describe(DEPLOYMENT_FIELD.capabilities),
  // The floor (MIN_PROBE_INTERVAL_SECONDS) is the API's to check: a test configuration may lower it.
  probeIntervalSeconds: z
    .number()
    .int()
    .min(1)
    .max(MAX_PROBE_INTERVAL_SECONDS)
    .nullable()
    .meta({ description: DEPLOYMENT_FIELD.probeIntervalSeconds, examples: [60] }),
  probeMode: z.enum(PROBE_MODES).describe(DEPLOYMENT_FIELD.probeMode),
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
    probeIntervalSeconds: deploymentFields.probeIntervalSeconds.default(null),
    probeMode: deploymentFields.probeMode.default('models'),
  })
  .strict()
  .superRefine(checkProviderNeeds);
export type CreateDeployment = z.input<typeof createDeploymentSchema>;

export const updateDeploymentSchema = z.object(deploymentFields).partial().strict();
export type UpdateDeployment = z.input<typeof updateDeploymentSchema>;

export const deploymentProbeResultSchema = z.object({
  at: isoDate.describe('When the check finished.'),
  ok: z.boolean().describe('Whether the upstream answered with success.'),
  status: z.number().nullable().describe("The upstream's HTTP status; null when it could not be reached."),
  latencyMs: z.number().describe('How long the check took, in ms.'),
  message: z.string().describe('What happened, in words (secrets redacted).'),
});
export type DeploymentProbeResult = z.infer<typeof deploymentProbeResultSchema>;

export const deploymentLiveStateSchema = z
  .object({
    status: z
      .enum(['healthy', 'cooling_down', 'disabled'])
      .describe('`cooling_down`: out of rotation until `cooldownUntil` after failures.'),
    cooldownUntil: isoDate.nullable(),
    cooldownReason: z.string().nullable().describe('Why it cools down, e.g. `rate_limited`.'),
    lastError: z.string().nullable().describe('The last upstream error (secrets redacted).'),
    inFlight: z.number().describe('Requests in flight right now.'),
    rpmUsed: z.number().describe('Requests sent this minute.'),
    tpmUsed: z.number().describe('Tokens used this minute.'),
    latencyMs: z
      .number()
      .nullable()
      .describe('Recent average latency (EWMA) in ms; null before the first answer.'),
    ttftMs: z.number().nullable().describe('Recent average time to first token of streams (EWMA) in ms.'),
    lastErrorAt: isoDate.nullable().describe('When the last failed attempt (or failed test) happened.'),
    lastSuccessAt: isoDate.nullable().describe('When the last attempt (or test) succeeded.'),
    lastProbe: deploymentProbeResultSchema
      .nullable()
      .describe('The last health check or connection test (any instance); null: none since the start.'),
  })
  .describe('The live routing state (every instance agrees when REDIS_URL is set).');
export type DeploymentLiveState = z.infer<typeof deploymentLiveStateSchema>;

export const deploymentSchema = z.object({
  id: z.string(),
  name: z.string().describe(DEPLOYMENT_FIELD.name),
  modelGroup: z.string().describe(DEPLOYMENT_FIELD.modelGroup),
  provider: providerSchema.describe(DEPLOYMENT_FIELD.provider),
  model: z.string().describe(DEPLOYMENT_FIELD.model),
  apiBase: z.string().nullable().describe(DEPLOYMENT_FIELD.apiBase),
  apiKeyHint: z
    .string()
    .nullable()
    .describe('A hint of the upstream key such as `sk-…abcd` (the key itself is write-only); null: no key.'),
  apiVersion: z.string().nullable().describe(DEPLOYMENT_FIELD.apiVersion),
  weight: z.number().nullable().describe(DEPLOYMENT_FIELD.weight),
  priority: z.number().describe(DEPLOYMENT_FIELD.priority),
  rpmLimit: z.number().nullable().describe(DEPLOYMENT_FIELD.rpmLimit),
  tpmLimit: z.number().nullable().describe(DEPLOYMENT_FIELD.tpmLimit),
  timeoutMs: z.number().nullable().describe(DEPLOYMENT_FIELD.timeoutMs),
  enabled: z.boolean().describe(DEPLOYMENT_FIELD.enabled),
  tags: z.array(z.string()).describe(DEPLOYMENT_FIELD.tags),
  capabilities: z.array(capabilitySchema).describe(DEPLOYMENT_FIELD.capabilities),
  probeIntervalSeconds: z.number().nullable().describe(DEPLOYMENT_FIELD.probeIntervalSeconds),
  probeMode: z.enum(PROBE_MODES).describe(DEPLOYMENT_FIELD.probeMode),
  effectiveCapabilities: z
    .array(capabilitySchema)
    .describe("What the router actually sends it: `capabilities`, or the provider's defaults."),
  state: deploymentLiveStateSchema,
  createdAt: isoDate,
  updatedAt: isoDate,
});
export type Deployment = z.infer<typeof deploymentSchema>;
export const deploymentPageSchema = pageOf(deploymentSchema);

export const deploymentListQuerySchema = z.object({
  modelGroup: z.string().optional().describe('Only deployments of this model group.'),
  cursor: z.string().optional().describe('`nextCursor` of the previous page.'),
  limit: z.coerce.number().int().min(1).max(500).default(100).describe('Page size.'),
});

export const deploymentTestResultSchema = z.object({
  ok: z.boolean().describe('Whether the upstream accepted the settings.'),
  status: z.number().nullable().describe("The upstream's HTTP status; null when it could not be reached."),
  latencyMs: z.number(),
  message: z.string().describe('What happened, in words (secrets redacted).'),
});
export type DeploymentTestResult = z.infer<typeof deploymentTestResultSchema>;
