import { z } from 'zod';
import { isoDate, pageOf } from './common';

// ---------- channels ----------
export const ALERT_CHANNEL_KINDS = ['webhook', 'slack'] as const;
export type AlertChannelKind = (typeof ALERT_CHANNEL_KINDS)[number];

const channelKind = z
  .enum(ALERT_CHANNEL_KINDS)
  .describe(
    '`webhook`: a JSON event (`{event: "switchboard.alert", state, rule, subject, value, threshold, message, at}`); `slack`: a Slack-compatible incoming webhook (`{text}`).',
  );
const displayName = z.string().trim().min(1, 'is required').max(128);

const httpUrl = z.url({ protocol: /^https?$/, hostname: /./ });
/** Whether `text` is an absolute http(s) URL with a host. */
export function isHttpUrl(text: string): boolean {
  return httpUrl.safeParse(text).success;
}

const webhookUrl = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(2048)
  .refine(isHttpUrl, 'must be an http:// or https:// URL')
  .describe(
    'Where alerts are POSTed. Write-only: answers show `urlHint` instead (the URL carries its secret).',
  );

export const alertChannelSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: channelKind,
  urlHint: z
    .string()
    .describe('Scheme, host and the last 4 characters of the path, e.g. `https://hooks.slack.com/…AbCd`.'),
  enabled: z.boolean().describe('A disabled channel receives nothing (a test can still be sent).'),
  createdAt: isoDate,
  updatedAt: isoDate,
});
export type AlertChannel = z.infer<typeof alertChannelSchema>;
export const alertChannelListSchema = z.object({ data: z.array(alertChannelSchema) });

export const createAlertChannelSchema = z
  .object({
    name: displayName.describe('Unique, e.g. `ops-slack`.'),
    kind: channelKind,
    url: webhookUrl,
    enabled: z.boolean().default(true),
  })
  .strict();
export type CreateAlertChannel = z.input<typeof createAlertChannelSchema>;

export const updateAlertChannelSchema = z
  .object({
    name: displayName,
    kind: channelKind,
    url: webhookUrl.describe('A new URL; leave out to keep the current one.'),
    enabled: z.boolean(),
  })
  .partial()
  .strict();
export type UpdateAlertChannel = z.input<typeof updateAlertChannelSchema>;

export const alertTestResultSchema = z.object({
  ok: z.boolean().describe('The receiver answered 2xx.'),
  status: z
    .number()
    .int()
    .nullable()
    .describe("The receiver's HTTP status; null when it could not be reached."),
  message: z.string().describe('What happened, for people (never the URL).'),
});
export type AlertTestResult = z.infer<typeof alertTestResultSchema>;

// ---------- rules ----------
export const ALERT_RULE_KINDS = [
  'deployment.cooldown',
  'deployment.error_rate',
  'group.error_rate',
  'key.budget',
  'project.budget',
] as const;
export type AlertRuleKind = (typeof ALERT_RULE_KINDS)[number];

/** Kinds whose threshold is a fraction of failed requests (0 < x ≤ 1). */
export const ERROR_RATE_KINDS: readonly AlertRuleKind[] = ['deployment.error_rate', 'group.error_rate'];
/** Kinds whose threshold is a percent of a budget (1 … 1000). */
export const BUDGET_KINDS: readonly AlertRuleKind[] = ['key.budget', 'project.budget'];

/** What a rule's `target` names, per kind. */
export const ALERT_TARGET_TYPES: Readonly<
  Record<AlertRuleKind, 'deployment' | 'model_group' | 'key' | 'project'>
> = {
  'deployment.cooldown': 'deployment',
  'deployment.error_rate': 'deployment',
  'group.error_rate': 'model_group',
  'key.budget': 'key',
  'project.budget': 'project',
};

const ruleKind = z
  .enum(ALERT_RULE_KINDS)
  .describe(
    '`deployment.cooldown`: a deployment is benched; `deployment.error_rate`: failed attempts / attempts over the window; `group.error_rate`: failed requests / requests of a model group over the window; `key.budget`: period spend / budget of a key, in percent. `project.budget` is refused: projects have no budget.',
  );

const ruleFields = z.object({
  name: displayName.describe('Unique, e.g. `primary upstream down`.'),
  kind: ruleKind,
  target: z
    .string()
    .trim()
    .min(1)
    .max(256)
    .nullable()
    .describe('A deployment id, model group name or key id (per kind); null watches every one of that kind.'),
  threshold: z
    .number()
    .finite()
    .nullable()
    .describe(
      'Error-rate kinds: a fraction, 0 < x ≤ 1 (0.2 = 20 %). Budget kinds: percent of the budget, 1 … 1000 (80, 100). Unused by deployment.cooldown.',
    ),
  windowMinutes: z
    .number()
    .int()
    .min(1)
    .max(1440)
    .describe('Error-rate kinds: the window the rate is measured over, in minutes.'),
  minRequests: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .describe('Error-rate kinds: fewer attempts than this in the window never fire.'),
  channelIds: z
    .array(z.string().uuid('must be a channel id'))
    .max(20)
    .describe('The channels each firing and resolved notification goes to.'),
  enabled: z.boolean(),
});

/** The per-kind rules on `threshold`, as issues on that field (shared by create, update and the console). */
export function alertRuleProblems(rule: {
  kind: AlertRuleKind;
  threshold: number | null | undefined;
}): string[] {
  const t = rule.threshold;
  if (ERROR_RATE_KINDS.includes(rule.kind)) {
    if (t === null || t === undefined) return ['is required for an error-rate rule (a fraction, e.g. 0.2)'];
    if (!(t > 0 && t <= 1)) return ['must be a fraction greater than 0 and at most 1 (0.2 = 20 %)'];
  }
  if (BUDGET_KINDS.includes(rule.kind)) {
    if (t === null || t === undefined) return ['is required for a budget rule (a percent, e.g. 80)'];
    if (!(t >= 1 && t <= 1000)) return ['must be a percent from 1 to 1000'];
  }
  return [];
}

export const createAlertRuleSchema = ruleFields
  .extend({
    target: ruleFields.shape.target.default(null),
    threshold: ruleFields.shape.threshold.default(null),
    windowMinutes: ruleFields.shape.windowMinutes.default(5),
    minRequests: ruleFields.shape.minRequests.default(10),
    channelIds: ruleFields.shape.channelIds.default([]),
    enabled: ruleFields.shape.enabled.default(true),
  })
  .strict()
  .superRefine((rule, ctx) => {
    for (const message of alertRuleProblems(rule))
      ctx.addIssue({ code: 'custom', path: ['threshold'], message });
  });
export type CreateAlertRule = z.input<typeof createAlertRuleSchema>;

export const updateAlertRuleSchema = ruleFields
  .partial()
  .strict()
  .describe('Only the fields sent change; the rule as it would be is checked as a whole.');
export type UpdateAlertRule = z.input<typeof updateAlertRuleSchema>;

export const alertFiringSchema = z.object({
  subject: z.string().describe('What fired: a deployment id, model group name or key id.'),
  subjectName: z.string().describe('Its name, for people.'),
  since: isoDate,
  value: z
    .number()
    .nullable()
    .describe('The measured value when it started (rate as a fraction, budget in %).'),
});

export const alertRuleSchema = ruleFields.extend({
  id: z.string(),
  targetName: z.string().nullable().describe('The name of the target; null when the rule watches every one.'),
  firing: z.array(alertFiringSchema).describe('The subjects this rule is firing for right now.'),
  createdAt: isoDate,
  updatedAt: isoDate,
});
export type AlertRule = z.infer<typeof alertRuleSchema>;
export const alertRuleListSchema = z.object({ data: z.array(alertRuleSchema) });

// ---------- history ----------
export const ALERT_EVENT_STATES = ['firing', 'resolved', 'test'] as const;
export const ALERT_DELIVERIES = ['delivered', 'failed'] as const;

export const alertEventSchema = z.object({
  id: z.string(),
  createdAt: isoDate,
  ruleId: z.string().nullable(),
  ruleName: z.string().nullable().describe('As it was when sent (null for a test).'),
  channelId: z.string().nullable(),
  channelName: z.string().nullable(),
  state: z.enum(ALERT_EVENT_STATES),
  subject: z.string().nullable(),
  message: z.string().describe('The one-line text that was sent.'),
  delivery: z.enum(ALERT_DELIVERIES),
  responseStatus: z.number().int().nullable().describe("The receiver's HTTP status; null when unreachable."),
  error: z.string().nullable().describe('Why the delivery failed (never the URL).'),
});
export type AlertEvent = z.infer<typeof alertEventSchema>;
export const alertEventPageSchema = pageOf(alertEventSchema);
export const alertEventListQuerySchema = z.object({
  ruleId: z.string().uuid('must be a rule id').optional().describe('Only events of this rule.'),
  cursor: z.string().min(1).optional().describe('`nextCursor` of the previous page.'),
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('Page size.'),
});
export type AlertEventListQuery = z.infer<typeof alertEventListQuerySchema>;
