import {
  type BudgetPeriod,
  budgetPeriodSchema,
  type CreateKey,
  createKeySchema,
  type UpdateKey,
  updateKeySchema,
  type VirtualKey,
} from '@switchboard/contracts';
import { z, type ZodError } from 'zod';
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
/** The fields in the order the form shows them: focus goes to the first one that needs fixing. */
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
const sorted = (list: readonly string[]) => [...list].sort();

/** `models` with `name` ticked or unticked, still sorted. */
export function toggleModel(models: readonly string[], name: string, ticked: boolean): string[] {
  const rest = models.filter((model) => model !== name);
  return ticked ? sorted([...rest, name]) : rest;
}

/** A new key's defaults, or `key`'s current settings. */
export function keyFormValues(key?: VirtualKey): KeyFormValues {
  return {
    alias: key?.alias ?? '',
    allModels: (key?.models.length ?? 0) === 0,
    // Kept sorted (ticking keeps the order), so unticking and ticking again leaves the form unchanged.
    models: sorted(key?.models ?? []),
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

/** The form value each contract field is typed in: the expiry is picked as a day, not an instant. */
export const KEY_FORM_FIELDS = {
  alias: 'alias',
  models: 'models',
  rpmLimit: 'rpmLimit',
  tpmLimit: 'tpmLimit',
  maxParallel: 'maxParallel',
  endUserRpmLimit: 'endUserRpmLimit',
  endUserDailyBudgetUsd: 'endUserDailyBudgetUsd',
  maxBudgetUsd: 'maxBudgetUsd',
  budgetPeriod: 'budgetPeriod',
  expiresAt: 'expiresOn',
  metadata: 'metadata',
} as const satisfies Record<KeyField, keyof KeyFormValues>;
export type KeyFormField = (typeof KEY_FORM_FIELDS)[KeyField];

const isKeyField = (field: string): field is KeyField => field in KEY_FORM_FIELDS;

/**
 * Form errors (contract field names, e.g. from formErrorsFromApi) on the form's own fields, in the
 * form's order; the messages that belong to no field, as one.
 */
export function keyFormErrors(errors: FormErrors): {
  fields: [KeyFormField, string][];
  other: string | null;
} {
  const fields: [KeyFormField, string][] = [];
  const other = [...errors.other];
  for (const field of KEY_FIELD_ORDER) {
    const message = errors.fields[field];
    if (message !== undefined) fields.push([KEY_FORM_FIELDS[field], message]);
  }
  for (const [field, message] of Object.entries(errors.fields)) {
    if (message !== undefined && !isKeyField(field)) other.push(message);
  }
  return { fields, other: other.length > 0 ? other.join(' ') : null };
}

/** The inputs' own shape (text as typed); the rules are the contract's, applied in the transform. */
const keyFormValuesSchema = z.object({
  alias: z.string(),
  allModels: z.boolean(),
  models: z.array(z.string()),
  rpmLimit: z.string(),
  tpmLimit: z.string(),
  maxParallel: z.string(),
  endUserRpmLimit: z.string(),
  endUserDailyBudgetUsd: z.string(),
  maxBudgetUsd: z.string(),
  budgetPeriod: budgetPeriodSchema,
  expiresOn: z.string(),
  metadata: z.string(),
}) satisfies z.ZodType<KeyFormValues, KeyFormValues>;

/** What a valid form becomes: a new key's body, or the patch of what changed. */
export type KeyRequest = { kind: 'create'; body: CreateKey } | { kind: 'edit'; patch: UpdateKey };

/**
 * The form's schema (for `zodResolver`): its output is the request, built by buildCreateKeyBody or
 * buildKeyPatch (so checked by the shared contract). Each problem comes back on its input's path,
 * worded with KEY_FIELD_LABELS; the rest on `root`.
 * `target`: the project a new key is issued in, or the values an edit opened with.
 */
export function keyFormSchema(target: { projectId: string } | { initial: KeyFormValues }) {
  return keyFormValuesSchema.transform((values, ctx): KeyRequest => {
    let errors: FormErrors;
    if ('projectId' in target) {
      const built = buildCreateKeyBody(target.projectId, values);
      if (built.ok) return { kind: 'create', body: built.body };
      errors = built.errors;
    } else {
      const built = buildKeyPatch(values, target.initial);
      if (built.ok) return { kind: 'edit', patch: built.body };
      errors = built.errors;
    }
    const { fields, other } = keyFormErrors(errors);
    for (const [field, message] of fields) ctx.addIssue({ code: 'custom', path: [field], message });
    if (other !== null) ctx.addIssue({ code: 'custom', path: ['root'], message: other });
    return z.NEVER;
  });
}
