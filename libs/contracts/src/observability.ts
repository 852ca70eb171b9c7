import { z } from 'zod';
import { isoDate, pageOf, pageQuerySchema } from './common';

// ---------- request logs ----------
export const attemptSchema = z.object({
  deploymentId: z.string(),
  deploymentName: z.string(),
  modelGroup: z.string().describe('The group tried: the requested one or a fallback.'),
  status: z
    .number()
    .describe("200 on success, the upstream's status otherwise (499 when the client went away)."),
  errorKind: z
    .string()
    .nullable()
    .describe('How the attempt failed, e.g. `rate_limit`, `timeout`, `connection`, `server`, `auth`.'),
  latencyMs: z.number(),
  startedAt: z.number().describe('Epoch milliseconds.'),
});
export type Attempt = z.infer<typeof attemptSchema>;

/** Where the price a request was costed with came from: Switchboard's built-in list price, or an operator's. */
export const PRICING_SOURCES = ['built-in', 'custom'] as const;
export type PricingSource = (typeof PRICING_SOURCES)[number];

/** The price row a request's cost was computed with, as it was when the request ended. */
export const requestLogPricingSchema = z.object({
  model: z.string().describe('The priced model id that matched (e.g. `gpt-4.1` for `gpt-4.1-2025-04-14`).'),
  source: z
    .enum(PRICING_SOURCES)
    .describe("`built-in`: Switchboard's list price; `custom`: a price set through the console or API."),
  inputUsdPerMTokens: z.number().describe('USD per million prompt tokens not served from the cache.'),
  cachedInputUsdPerMTokens: z
    .number()
    .nullable()
    .describe('USD per million prompt tokens served from the cache; null: the input price.'),
  outputUsdPerMTokens: z.number().describe('USD per million completion tokens.'),
});
export type RequestLogPricing = z.infer<typeof requestLogPricingSchema>;

export const requestLogSchema = z.object({
  id: z.string(),
  createdAt: isoDate,
  requestId: z.string().describe('The `x-request-id` the client got.'),
  route: z
    .string()
    .describe(
      '`chat.completions`, `completions`, `embeddings`, `rerank`, `audio.speech` or `audio.transcriptions`.',
    ),
  keyId: z.string().nullable().describe('The virtual key; null for the master key.'),
  projectId: z.string().nullable(),
  modelGroup: z.string().describe('The `model` the client asked for.'),
  deploymentId: z.string().nullable().describe('The deployment that answered (or failed last).'),
  deploymentName: z.string().nullable(),
  attemptCount: z.number().describe('Deployments tried, retries and fallbacks included.'),
  status: z.number().describe('The HTTP status the client got (499: the client went away).'),
  errorType: z.string().nullable().describe('The error code or upstream error kind; null on success.'),
  errorMessage: z.string().nullable(),
  latencyMs: z.number().describe('Whole request, as the client saw it.'),
  ttftMs: z.number().nullable().describe('Time to first token of a stream.'),
  promptTokens: z.number(),
  completionTokens: z.number(),
  totalTokens: z.number(),
  costUsd: z
    .number()
    .describe(
      '(prompt − cached) × input + cached × cached input + completion × output price (see `pricing`), in USD.',
    ),
  cachedTokens: z
    .number()
    .describe('Prompt tokens the provider served from its prompt cache (part of `promptTokens`).'),
  pricing: requestLogPricingSchema
    .nullable()
    .describe('The price the cost was computed with; null when no price was known (cost 0).'),
  stream: z.boolean(),
  endUser: z.string().nullable().describe("The request's `user` field, if any."),
});
export type RequestLog = z.infer<typeof requestLogSchema>;
export const requestBodiesSchema = z.object({
  request: z
    .string()
    .nullable()
    .describe('The request as received (JSON; for audio transcriptions only the form fields), redacted.'),
  response: z
    .string()
    .nullable()
    .describe(
      'The answer as sent: JSON, or for a stream the raw server-sent events (`data: …` lines); audio as `[binary, N bytes]`. Redacted.',
    ),
  truncated: z.boolean().describe("True when either body was cut at the project's size cap."),
});
export type RequestBodies = z.infer<typeof requestBodiesSchema>;
export const requestLogDetailSchema = requestLogSchema.extend({
  attempts: z.array(attemptSchema).describe('Every deployment tried, in order.'),
  bodies: requestBodiesSchema
    .nullable()
    .describe('Stored request and response bodies (only for projects that keep them); null when none.'),
  storesBodies: z.boolean().describe("Whether the request's project keeps bodies now."),
  bodyMaxBytes: z
    .number()
    .nullable()
    .describe("The project's current cap per body, in UTF-8 bytes (null without a project)."),
});
export type RequestLogDetail = z.infer<typeof requestLogDetailSchema>;
export const requestLogPageSchema = pageOf(requestLogSchema);

export const logStatusFilterSchema = z.enum(['success', 'error']);
export const logListQuerySchema = z.object({
  from: isoDate.optional().describe('From this time (inclusive).'),
  to: isoDate.optional().describe('Until this time (exclusive).'),
  projectId: z.string().uuid().optional(),
  keyId: z.string().uuid().optional(),
  modelGroup: z.string().optional(),
  deploymentId: z.string().uuid().optional(),
  status: z
    .union([logStatusFilterSchema, z.coerce.number().int().min(100).max(599)])
    .optional()
    .describe('`success`, `error`, or an exact HTTP status such as `429`.'),
  requestId: z.string().trim().min(1).max(200).optional().describe('Exactly this `x-request-id`.'),
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe('Text anywhere in the error message (case-insensitive).'),
  cursor: z.string().optional().describe('`nextCursor` of the previous page.'),
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('Page size.'),
});
export type LogListQuery = z.infer<typeof logListQuerySchema>;

/** `GET /api/logs/export`: the same filters, the whole range (newest first), as CSV or JSON lines. */
export const logExportQuerySchema = logListQuerySchema.omit({ cursor: true, limit: true }).extend({
  format: z
    .enum(['csv', 'jsonl'])
    .default('csv')
    .describe('`csv` (spreadsheets) or `jsonl` (one JSON object per line).'),
});
export type LogExportQuery = z.infer<typeof logExportQuerySchema>;
export const LOG_EXPORT_MAX_ROWS = 100_000;

// ---------- statistics ----------
export const STATS_GROUP_BY = ['deployment', 'project', 'key', 'modelGroup'] as const;
export const STATS_INTERVALS = ['minute', 'hour', 'day'] as const;

/** Filters every statistics route accepts: only the requests that match all of those given. */
export const statsFilterSchema = z.object({
  modelGroup: z
    .string()
    .trim()
    .min(1)
    .max(256)
    .optional()
    .describe('Only requests for this model group (the `model` the client asked for).'),
  projectId: z
    .string()
    .uuid()
    .optional()
    .describe("Only this project's requests (a project member's other projects: nothing)."),
  keyId: z.string().uuid().optional().describe('Only requests made with this virtual key.'),
});
export type StatsFilter = z.infer<typeof statsFilterSchema>;

export const distributionQuerySchema = statsFilterSchema.extend({
  from: isoDate.describe('Start of the range (inclusive).'),
  to: isoDate.describe('End of the range (exclusive).'),
  groupBy: z
    .enum(STATS_GROUP_BY)
    .default('deployment')
    .describe('One series per deployment, project, key or model group.'),
  interval: z.enum(STATS_INTERVALS).default('hour').describe('Bucket size of each series.'),
  bucketLatency: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe(
      "`false`: each bucket's latency percentiles are null (the totals keep theirs); much cheaper over many buckets. Default `true`.",
    ),
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
export const usageSummaryQuerySchema = statsFilterSchema.extend({
  from: isoDate.describe('Start of the range (inclusive).'),
  to: isoDate.describe('End of the range (exclusive).'),
});
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

// ---------- end users (the `user` field a client such as Dify sends) ----------
export const END_USER_SORTS = ['requests', 'cost'] as const;
export const END_USERS_MAX_LIMIT = 100;
export const endUserQuerySchema = statsFilterSchema.extend({
  from: isoDate.describe('Start of the range (inclusive); widened to the start of its hour.'),
  to: isoDate.describe('End of the range (exclusive); widened to the end of its hour.'),
  sort: z
    .enum(END_USER_SORTS)
    .default('requests')
    .describe('Top end users by `requests` or by spend (`cost`).'),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(END_USERS_MAX_LIMIT)
    .default(10)
    .describe('How many end users (at most 100).'),
});
export type EndUserQuery = z.infer<typeof endUserQuerySchema>;

export const endUserStatsSchema = z.object({
  endUser: z.string().describe("The request's `user` field (first 256 characters)."),
  requests: z.number(),
  errors: z.number(),
  totalTokens: z.number(),
  costUsd: z.number(),
  share: z.number().describe("This end user's part of the requests that named an end user (0-1)."),
  keyCount: z
    .number()
    .describe('How many virtual keys sent requests for this end user (master key not counted).'),
  keys: z
    .array(z.object({ id: z.string(), label: z.string() }))
    .describe('Up to 5 of those keys, by alias or display prefix.'),
});
export type EndUserStats = z.infer<typeof endUserStatsSchema>;

export const endUserListSchema = z.object({
  from: isoDate.describe(
    'The range counted: `from` rounded down to the hour (end users are counted per hour).',
  ),
  to: isoDate.describe('The range counted: `to` rounded up to the hour.'),
  sort: z.enum(END_USER_SORTS),
  endUserCount: z.number().describe('Distinct end users in the range (all of them, not only those listed).'),
  requests: z.number().describe('Requests that named an end user, in the range.'),
  costUsd: z.number().describe('Their cost in USD.'),
  endUsers: z.array(endUserStatsSchema),
});
export type EndUserList = z.infer<typeof endUserListSchema>;

// ---------- prices ----------
/** A price in USD per million tokens, as the admin API accepts it. */
const usdPerMTokens = z.number().min(0).max(100000);

/** The figures a request is costed with, in USD per million tokens. */
export const priceFiguresSchema = z.object({
  inputUsdPerMTokens: z.number().describe('USD per million prompt tokens.'),
  cachedInputUsdPerMTokens: z
    .number()
    .nullable()
    .describe("USD per million prompt tokens served from the provider's cache; null: the input price."),
  outputUsdPerMTokens: z.number().describe('USD per million completion tokens.'),
});
export type PriceFigures = z.infer<typeof priceFiguresSchema>;

/** `default`: every figure is the built-in list price; `operator`: someone set them through the API. */
export const PRICE_SOURCES = ['default', 'operator'] as const;
export type PriceSource = (typeof PRICE_SOURCES)[number];

export const modelPriceSchema = priceFiguresSchema.extend({
  model: z
    .string()
    .describe(
      "The upstream model id, e.g. `gpt-4o-mini`; a request's model without its own price is costed by the longest priced id it starts with.",
    ),
  updatedAt: isoDate,
  defaultPrice: priceFiguresSchema
    .nullable()
    .describe(
      'The list price Switchboard ships for this exact model id (what a reset restores); null if none.',
    ),
  source: z
    .enum(PRICE_SOURCES)
    .describe('`default`: the built-in list price; `operator`: someone set it through the API.'),
  lastChange: z
    .object({ action: z.string(), actor: z.string(), at: isoDate })
    .nullable()
    .describe('The latest change through the admin API (from the audit log); null when nobody changed it.'),
});
export type ModelPrice = z.infer<typeof modelPriceSchema>;
export const modelPricePageSchema = pageOf(modelPriceSchema);
export const modelPriceListQuerySchema = pageQuerySchema.extend({
  search: z
    .string()
    .trim()
    .max(256)
    .optional()
    .describe('Only models whose id contains this, ignoring case.'),
});
export type ModelPriceListQuery = z.infer<typeof modelPriceListQuerySchema>;
export const putModelPriceSchema = z
  .object({
    inputUsdPerMTokens: usdPerMTokens.describe('USD per million prompt tokens.'),
    cachedInputUsdPerMTokens: usdPerMTokens
      .nullable()
      .default(null)
      .describe(
        "USD per million prompt tokens served from the provider's cache; null or left out: the input price.",
      ),
    outputUsdPerMTokens: usdPerMTokens.describe('USD per million completion tokens.'),
  })
  .strict();
export type PutModelPrice = z.infer<typeof putModelPriceSchema>;

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
export const importFieldChangeSchema = z.object({
  field: z.string(),
  /** Display values; always null for `apiKey` (a key is never echoed). */
  before: z.string().nullable(),
  after: z.string().nullable(),
});
export const importChangeSchema = z.object({
  action: z.enum(['create', 'update', 'unchanged']),
  kind: z.enum(['modelGroup', 'deployment', 'masterKey']),
  name: z.string(),
  /** Field names that would change (update only). */
  fields: z.array(z.string()).default([]),
  /** Before → after of each changed field (update), or what is created (create). */
  diff: z.array(importFieldChangeSchema).default([]),
  /** The name the file gives a deployment before any rename (`names` in the request). */
  proposedName: z.string().optional(),
  /** For a deployment: its model group. */
  modelGroup: z.string().optional(),
});
/** `os.environ/NAME` references that were not supplied with the import. */
export const importUnresolvedSchema = z.object({
  variable: z.string(),
  /** Deployments that need it (skipped), by name. */
  deployments: z.array(z.string()),
  /** Other places in the file that reference it (left unset). */
  paths: z.array(z.string()).default([]),
});
export const importSkippedSchema = z.object({
  kind: z.literal('deployment'),
  name: z.string(),
  modelGroup: z.string(),
  reason: z.string(),
});
export const importPlanSchema = z.object({
  dryRun: z.boolean(),
  changes: z.array(importChangeSchema),
  warnings: z.array(z.string()),
  summary: z.object({ create: z.number(), update: z.number(), unchanged: z.number() }),
  unresolved: z.array(importUnresolvedSchema).default([]),
  skipped: z.array(importSkippedSchema).default([]),
});
/**
 * The JSON form of an import. `os.environ/NAME` references resolve from the file's
 * `environment_variables`, then `env`, then `dotenv` (a pasted `.env` block); never from the gateway's
 * own environment. `names` renames deployments: proposed name → chosen name.
 */
export const importRequestSchema = z
  .object({
    yaml: z.string(),
    env: z.record(z.string().max(200), z.string().max(20_000)).optional(),
    dotenv: z.string().max(200_000).optional(),
    names: z.record(z.string().max(200), z.string().max(200)).optional(),
  })
  .strict();
export type ImportRequest = z.infer<typeof importRequestSchema>;

/**
 * Parses a `.env` block: `NAME=value`, `export NAME=value`, single or double quotes (double quotes
 * understand \n), `#` comments on their own line or after an unquoted value. Lines that are not
 * assignments are answered in `invalid` (line numbers, never their text: they may hold secrets).
 */
export function parseDotenv(text: string): { values: Record<string, string>; invalid: number[] } {
  const values: Record<string, string> = {};
  const invalid: number[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) {
      invalid.push(i + 1);
      return;
    }
    const name = m[1]!;
    let value = m[2]!;
    const quote = value[0];
    // The closing quote: the next one not escaped by a backslash (double quotes only).
    const close = quote === '"' ? /(?<!\\)"/g : /'/g;
    close.lastIndex = 1;
    const end = quote === '"' || quote === "'" ? close.exec(value)?.index : undefined;
    if (end !== undefined) {
      value = value.slice(1, end);
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\"/g, '"');
    } else {
      value = value.replace(/\s+#.*$/, '').trim();
    }
    values[name] = value;
  });
  return { values, invalid };
}
export type ImportPlan = z.infer<typeof importPlanSchema>;
