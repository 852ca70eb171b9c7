import {
  updateDeploymentSchema,
  updateModelGroupSchema,
  type Deployment,
  type ModelGroup,
  type RoutingStrategyName,
  type UpdateModelGroup,
} from '@switchboard/contracts';
import { formErrorsFromZod, parseOptionalNumber, type FormErrors } from '@/components/ui/form-errors';

export const POLICY_LABELS = {
  strategy: 'Strategy',
  numRetries: 'Retries',
  allowedFails: 'Allowed fails',
  cooldownSeconds: 'Cooldown',
  maxCooldownSeconds: 'Longest cooldown',
  timeoutMs: 'Timeout',
  streamIdleTimeoutMs: 'Stream idle timeout',
  fallbacks: 'Fallbacks',
} as const;

export type PolicyField = keyof typeof POLICY_LABELS;

/** The policy as the inputs hold it (numbers as typed). */
export interface PolicyValues {
  strategy: RoutingStrategyName;
  numRetries: string;
  allowedFails: string;
  cooldownSeconds: string;
  maxCooldownSeconds: string;
  timeoutMs: string;
  streamIdleTimeoutMs: string;
  fallbacks: string[];
}

const text = (n: number | null) => (n === null ? '' : String(n));

export function policyValuesOf(group: ModelGroup): PolicyValues {
  return {
    strategy: group.strategy,
    numRetries: String(group.numRetries),
    allowedFails: String(group.allowedFails),
    cooldownSeconds: String(group.cooldownSeconds),
    maxCooldownSeconds: String(group.maxCooldownSeconds),
    timeoutMs: text(group.timeoutMs),
    streamIdleTimeoutMs: text(group.streamIdleTimeoutMs),
    fallbacks: group.fallbacks,
  };
}

/** Required numbers: empty is an error (NaN), not "unset". */
const required = (raw: string) => parseOptionalNumber(raw) ?? Number.NaN;

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

export type PolicyPatchResult =
  { ok: true; patch: UpdateModelGroup | null } | { ok: false; errors: FormErrors };

/** The changed policy fields, validated with the shared `updateModelGroupSchema`. */
export function buildPolicyPatch(values: PolicyValues, group: ModelGroup): PolicyPatchResult {
  const next = {
    strategy: values.strategy,
    numRetries: required(values.numRetries),
    allowedFails: required(values.allowedFails),
    cooldownSeconds: required(values.cooldownSeconds),
    maxCooldownSeconds: required(values.maxCooldownSeconds),
    timeoutMs: parseOptionalNumber(values.timeoutMs),
    streamIdleTimeoutMs: parseOptionalNumber(values.streamIdleTimeoutMs),
    fallbacks: values.fallbacks,
  };
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(next)) {
    const current = group[key as keyof typeof next];
    const same = Array.isArray(value) ? sameList(value, current as string[]) : Object.is(value, current);
    if (!same) patch[key] = value;
  }
  if (Object.keys(patch).length === 0) return { ok: true, patch: null };
  const parsed = updateModelGroupSchema.safeParse(patch);
  if (!parsed.success) return { ok: false, errors: formErrorsFromZod(parsed.error, POLICY_LABELS) };
  return { ok: true, patch: parsed.data };
}

/** Per-deployment number edits in the split editor, as typed. */
export type NumberDrafts = Record<string, string>;

/** The number the preview should use: the draft when there is one (NaN while invalid). */
export function draftNumber(drafts: NumberDrafts, id: string, current: number | null): number | null {
  return id in drafts ? parseOptionalNumber(drafts[id] ?? '') : current;
}

/** Validates one weight or priority edit with the shared deployment contract. */
export function checkDeploymentNumber(field: 'weight' | 'priority', value: number | null): string | null {
  // Priority is required; an emptied box means "back to 0" would surprise, so ask for a number.
  const candidate = field === 'priority' && value === null ? Number.NaN : value;
  const parsed = updateDeploymentSchema.safeParse({ [field]: candidate });
  if (parsed.success) return null;
  const label = field === 'weight' ? 'Weight' : 'Priority';
  return formErrorsFromZod(parsed.error, { [field]: label }).fields[field] ?? `${label} is not valid.`;
}

export function changedNumber(drafts: NumberDrafts, d: Deployment, field: 'weight' | 'priority'): boolean {
  if (!(d.id in drafts)) return false;
  return !Object.is(draftNumber(drafts, d.id, d[field]), d[field]);
}
