import {
  type BudgetPeriod,
  type CreateKey,
  createKeySchema,
  type UpdateKey,
  updateKeySchema,
  type VirtualKey,
} from '@switchboard/contracts';
import type { ZodError } from 'zod';
import {
  formErrorsFromZod,
  hasFormErrors,
  parseOptionalNumber,
  type FormErrors,
} from '@/components/ui/form-errors';

/** Labels double as the start of each field's error message. */
export const KEY_FIELD_LABELS = {
  alias: 'Alias',
  models: 'Allowed models',
  rpmLimit: 'Requests per minute',
  tpmLimit: 'Tokens per minute',
  maxParallel: 'Parallel requests',
  endUserRpmLimit: 'Per end user: requests per minute',
  endUserDailyBudgetUsd: 'Per end user: daily budget (USD)',
  maxBudgetUsd: 'Budget (USD)',
  budgetPeriod: 'Budget period',
  expiresAt: 'Expires on',
  metadata: 'Metadata',
} as const;
export type KeyField = keyof typeof KEY_FIELD_LABELS;
export const KEY_FIELD_ORDER = Object.keys(KEY_FIELD_LABELS) as KeyField[];

/** What the inputs hold: text as typed, so a half-typed number is not lost. */
export interface KeyFormValues {
  alias: string;
  allModels: boolean;
  models: string[];
  rpmLimit: string;
  tpmLimit: string;
  maxParallel: string;
  endUserRpmLimit: string;
  endUserDailyBudgetUsd: string;
  maxBudgetUsd: string;
  /** Used only with a budget. */
  budgetPeriod: BudgetPeriod;
  /** `YYYY-MM-DD` in the operator's time zone, as `<input type="date">` speaks it; empty = never. */
  expiresOn: string;
  /** A JSON object as typed; empty = `{}`. */
  metadata: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const localDate = (date: Date) => `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;

/** Today as `YYYY-MM-DD` in the operator's time zone. */
export function localToday(): string {
  return localDate(new Date());
}

const text = (value: number | null) => (value === null ? '' : String(value));

/** A new key's defaults, or `key`'s current settings. */
export function keyFormValues(key?: VirtualKey): KeyFormValues {
  return {
    alias: key?.alias ?? '',
    allModels: (key?.models.length ?? 0) === 0,
    models: key?.models ?? [],
    rpmLimit: text(key?.rpmLimit ?? null),
    tpmLimit: text(key?.tpmLimit ?? null),
    maxParallel: text(key?.maxParallel ?? null),
    endUserRpmLimit: text(key?.endUserRpmLimit ?? null),
    endUserDailyBudgetUsd: text(key?.endUserDailyBudgetUsd ?? null),
    maxBudgetUsd: text(key?.maxBudgetUsd ?? null),
    // A budget stored without a period never resets, which is what "total" means.
    budgetPeriod: key?.budgetPeriod ?? (key?.maxBudgetUsd != null ? 'total' : 'monthly'),
    expiresOn: key?.expiresAt ? localDate(new Date(key.expiresAt)) : '',
    metadata: key && Object.keys(key.metadata).length > 0 ? JSON.stringify(key.metadata, null, 2) : '',
  };
}

const sorted = (list: readonly string[]) => [...list].sort();

/** Whether the operator has typed or ticked anything since the form opened. */
export function keyFormChanged(values: KeyFormValues, initial: KeyFormValues): boolean {
  return (Object.keys(values) as (keyof KeyFormValues)[]).some((field) =>
    field === 'models'
      ? sorted(values.models).join('\n') !== sorted(initial.models).join('\n')
      : values[field] !== initial[field],
  );
}

type KeySettings = Omit<CreateKey, 'projectId'>;
type Built<T> = { ok: true; body: T } | { ok: false; errors: FormErrors };

const METADATA_HINT = 'Enter a JSON object, e.g. {"team": "search"}, or leave it empty.';

function readMetadata(raw: string): Record<string, unknown> | null {
  if (raw.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** Every setting in the contract's shape, and the problems only the form can see. */
function settingsFrom(
  values: KeyFormValues,
  initial: KeyFormValues,
): { settings: KeySettings; problems: FormErrors['fields'] } {
  const problems: FormErrors['fields'] = {};
  const metadata = readMetadata(values.metadata);
  if (metadata === null) problems.metadata = METADATA_HINT;
  if (!values.allModels && values.models.length === 0)
    problems.models = 'Pick at least one model group, or allow all.';
  // A date already stored may lie in the past (an expired key); only a newly picked one must not.
  if (values.expiresOn !== '' && values.expiresOn !== initial.expiresOn && values.expiresOn < localToday())
    problems.expiresAt = 'Pick today or a later date.';

  const budget = parseOptionalNumber(values.maxBudgetUsd);
  const settings: KeySettings = {
    alias: values.alias.trim() === '' ? null : values.alias.trim(),
    models: values.allModels ? [] : sorted(values.models),
    rpmLimit: parseOptionalNumber(values.rpmLimit),
    tpmLimit: parseOptionalNumber(values.tpmLimit),
    maxParallel: parseOptionalNumber(values.maxParallel),
    endUserRpmLimit: parseOptionalNumber(values.endUserRpmLimit),
    endUserDailyBudgetUsd: parseOptionalNumber(values.endUserDailyBudgetUsd),
    maxBudgetUsd: budget,
    budgetPeriod: budget === null ? null : values.budgetPeriod,
    // The key works through the whole chosen day, in the operator's time zone.
    expiresAt: values.expiresOn === '' ? null : new Date(`${values.expiresOn}T23:59:59.999`).toISOString(),
    metadata: metadata ?? {},
  };
  return { settings, problems };
}

/** The contract's verdict and the form's own, one message per field (the contract's first). */
function verdict<T>(
  parsed: { success: true; data: T } | { success: false; error: ZodError },
  problems: FormErrors['fields'],
): Built<T> {
  const errors = parsed.success
    ? { fields: {}, other: [] }
    : formErrorsFromZod(parsed.error, KEY_FIELD_LABELS);
  for (const [field, message] of Object.entries(problems)) errors.fields[field] ??= message;
  if (parsed.success && !hasFormErrors(errors)) return { ok: true, body: parsed.data };
  return { ok: false, errors };
}

/** Validates with the shared create contract, so the form and the API agree on every rule. */
export function buildCreateKeyBody(projectId: string, values: KeyFormValues): Built<CreateKey> {
  const { settings, problems } = settingsFrom(values, keyFormValues());
  return verdict(createKeySchema.safeParse({ projectId, ...settings }), problems);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Only the settings the operator changed, compared with what the form opened with (not with the stored
 * values: an expiry set through the API at 14:00 is shown as its day and must not move to 23:59 unasked).
 */
export function buildKeyPatch(values: KeyFormValues, initial: KeyFormValues): Built<UpdateKey> {
  const { settings, problems } = settingsFrom(values, initial);
  const before = settingsFrom(initial, initial).settings;
  const patch: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(settings)) {
    if (!same(value, before[field as keyof KeySettings])) patch[field] = value;
  }
  return verdict(updateKeySchema.safeParse(patch), problems);
}
