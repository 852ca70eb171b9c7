import {
  type AlertChannel,
  type AlertChannelKind,
  type AlertRule,
  type AlertRuleKind,
  createAlertChannelSchema,
  createAlertRuleSchema,
  type CreateAlertChannel,
  type CreateAlertRule,
  ERROR_RATE_KINDS,
  BUDGET_KINDS,
  isHttpUrl,
  type UpdateAlertChannel,
} from '@switchboard/contracts';
import { formErrorsFromZod, parseOptionalNumber, type FormErrors } from '@/components/ui/form-errors';

export const CHANNEL_LABELS = { name: 'Name', kind: 'Kind', url: 'Webhook URL', enabled: 'Enabled' } as const;
export const RULE_LABELS = {
  name: 'Name',
  kind: 'Condition',
  target: 'Watch',
  threshold: 'Threshold',
  windowMinutes: 'Window',
  minRequests: 'Minimum requests',
  channelIds: 'Send to',
  enabled: 'Enabled',
} as const;

export const CHANNEL_KIND_TEXT: Readonly<Record<AlertChannelKind, string>> = {
  webhook: 'Webhook (JSON event)',
  slack: 'Slack-compatible incoming webhook',
};

/** The kinds the console offers (project.budget is refused by the API: projects have no budget). */
export const RULE_KINDS: readonly { kind: AlertRuleKind; label: string; hint: string }[] = [
  {
    kind: 'deployment.cooldown',
    label: 'Deployment cooling down',
    hint: 'Fires while a deployment is benched after failures; resolves when it is back in rotation.',
  },
  {
    kind: 'deployment.error_rate',
    label: 'Deployment error rate',
    hint: 'Failed attempts / attempts of a deployment over the window (retries and fallbacks included).',
  },
  {
    kind: 'group.error_rate',
    label: 'Model group error rate',
    hint: 'Requests of a model group answered with an error / all its requests over the window.',
  },
  {
    kind: 'key.budget',
    label: 'Key budget used',
    hint: 'Spend of a key in its budget period as a percent of its budget (keys without a budget never fire).',
  },
];

export const ruleKindLabel = (kind: AlertRuleKind): string =>
  RULE_KINDS.find((k) => k.kind === kind)?.label ?? kind;
export const isRateKind = (kind: AlertRuleKind): boolean => ERROR_RATE_KINDS.includes(kind);
export const isBudgetKind = (kind: AlertRuleKind): boolean => BUDGET_KINDS.includes(kind);

/** `20 %` for an error rate (stored as 0.2), `80 %` for a budget. */
export function thresholdText(rule: Pick<AlertRule, 'kind' | 'threshold'>): string | null {
  if (rule.threshold === null) return null;
  const percent = isRateKind(rule.kind) ? rule.threshold * 100 : rule.threshold;
  return `${Math.round(percent * 100) / 100} %`;
}

// ---------- channel form ----------
export interface ChannelFormValues {
  name: string;
  kind: AlertChannelKind;
  /** Empty while editing: keep the stored URL. */
  url: string;
  enabled: boolean;
}

export function channelFormValues(channel: AlertChannel | null): ChannelFormValues {
  return channel
    ? { name: channel.name, kind: channel.kind, url: '', enabled: channel.enabled }
    : { name: '', kind: 'webhook', url: '', enabled: true };
}

export type ChannelFormResult =
  { ok: true; body: CreateAlertChannel | UpdateAlertChannel } | { ok: false; errors: FormErrors };

/** The form as a create body, or (editing) only what changed; the URL is sent only when typed. */
export function parseChannelForm(values: ChannelFormValues, editing: AlertChannel | null): ChannelFormResult {
  const url = values.url.trim();
  if (editing && url === '') {
    const parsed = createAlertChannelSchema.safeParse({ ...values, url: 'https://placeholder.invalid' });
    if (!parsed.success) return { ok: false, errors: formErrorsFromZod(parsed.error, CHANNEL_LABELS) };
    const body: UpdateAlertChannel = {};
    if (parsed.data.name !== editing.name) body.name = parsed.data.name;
    if (parsed.data.kind !== editing.kind) body.kind = parsed.data.kind;
    if (parsed.data.enabled !== editing.enabled) body.enabled = parsed.data.enabled;
    return { ok: true, body };
  }
  if (url !== '' && !isHttpUrl(url)) {
    return { ok: false, errors: { fields: { url: 'Enter an http:// or https:// URL.' }, other: [] } };
  }
  const parsed = createAlertChannelSchema.safeParse({ ...values, url });
  if (!parsed.success) return { ok: false, errors: formErrorsFromZod(parsed.error, CHANNEL_LABELS) };
  return { ok: true, body: parsed.data };
}

// ---------- rule form ----------
export interface RuleFormValues {
  name: string;
  kind: AlertRuleKind;
  /** '' = every one of the kind. */
  target: string;
  /** Percent as typed (error rates too: 20 means 20 %). */
  threshold: string;
  windowMinutes: string;
  minRequests: string;
  channelIds: string[];
  enabled: boolean;
}

export function ruleFormValues(rule: AlertRule | null, channels: readonly AlertChannel[]): RuleFormValues {
  if (!rule) {
    return {
      name: '',
      kind: 'deployment.cooldown',
      target: '',
      threshold: '',
      windowMinutes: '5',
      minRequests: '10',
      // A new rule sends to every channel until told otherwise.
      channelIds: channels.map((c) => c.id),
      enabled: true,
    };
  }
  const percent =
    rule.threshold === null
      ? ''
      : String(isRateKind(rule.kind) ? round(rule.threshold * 100) : rule.threshold);
  return {
    name: rule.name,
    kind: rule.kind,
    target: rule.target ?? '',
    threshold: percent,
    windowMinutes: String(rule.windowMinutes),
    minRequests: String(rule.minRequests),
    channelIds: [...rule.channelIds],
    enabled: rule.enabled,
  };
}

const round = (n: number): number => Math.round(n * 1e6) / 1e6;

export type RuleFormResult = { ok: true; body: CreateAlertRule } | { ok: false; errors: FormErrors };

/** The form as a whole rule, checked with the API's own schema (thresholds per kind). */
export function parseRuleForm(values: RuleFormValues): RuleFormResult {
  const rate = isRateKind(values.kind);
  const percent = parseOptionalNumber(values.threshold);
  const needsThreshold = rate || isBudgetKind(values.kind);
  const fields: FormErrors['fields'] = {};
  if (needsThreshold && percent === null) fields.threshold = 'Threshold is required.';
  else if (needsThreshold && (percent === null || Number.isNaN(percent)))
    fields.threshold = 'Enter a number.';
  else if (rate && percent !== null && !(percent > 0 && percent <= 100)) {
    fields.threshold = 'Enter a percent greater than 0 and at most 100.';
  }
  const body = {
    name: values.name,
    kind: values.kind,
    target: values.target === '' ? null : values.target,
    threshold: needsThreshold && percent !== null ? (rate ? round(percent / 100) : percent) : null,
    windowMinutes: rate ? parseOptionalNumber(values.windowMinutes) : 5,
    minRequests: rate ? parseOptionalNumber(values.minRequests) : 10,
    channelIds: values.channelIds,
    enabled: values.enabled,
  };
  const parsed = createAlertRuleSchema.safeParse(body);
  if (!parsed.success) {
    const errors = formErrorsFromZod(parsed.error, RULE_LABELS);
    return { ok: false, errors: { fields: { ...errors.fields, ...fields }, other: errors.other } };
  }
  if (Object.keys(fields).length > 0) return { ok: false, errors: { fields, other: [] } };
  return { ok: true, body: parsed.data };
}
