'use client';

import {
  BUDGET_PERIODS,
  type BudgetPeriod,
  type CreatedKey,
  type CreateKey,
  createKeySchema,
} from '@switchboard/contracts';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Button, Field, Input, Skeleton } from '@/components/ui';
import { Dialog } from '@/components/ui/dialog';
import {
  formErrorsFromApi,
  formErrorsFromZod,
  NO_FORM_ERRORS,
  parseOptionalNumber,
  type FormErrors,
} from '@/components/ui/form-errors';
import { InlineAlert } from '@/components/ui/inline-alert';
import { Select } from '@/components/ui/select';
import { createKeyMutationOptions, modelGroupNamesQueryOptions } from '../queries';
import { KeySecretPanel } from './key-secret-panel';
import styles from './keys.module.css';

const LABELS = {
  alias: 'Alias',
  models: 'Allowed models',
  rpmLimit: 'Requests per minute',
  tpmLimit: 'Tokens per minute',
  maxParallel: 'Parallel requests',
  maxBudgetUsd: 'Budget (USD)',
  budgetPeriod: 'Budget period',
  expiresAt: 'Expires on',
} as const;
type KeyField = keyof typeof LABELS;
const FIELD_ORDER = Object.keys(LABELS) as KeyField[];

export const PERIOD_LABELS: Record<BudgetPeriod, string> = {
  daily: 'Daily (resets at 00:00 UTC)',
  weekly: 'Weekly (resets Monday 00:00 UTC)',
  monthly: 'Monthly (resets on the 1st, UTC)',
  total: 'Total (never resets)',
};

const FORM_ID = 'key-form';
const fieldId = (field: KeyField) => `key-${field}`;

/** Today as `YYYY-MM-DD` in the operator's time zone, as `<input type="date">` speaks it. */
function localToday(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

interface KeyFormDialogProps {
  open: boolean;
  onClose: () => void;
  projectId: string;
  projectName: string;
  publicUrl: string | null;
}

/**
 * Issue a key: alias, allowed model groups, limits, budget and expiry, validated with the shared
 * contract. On success the same dialog shows the secret once, with the Dify settings.
 * Give it a new `key` each time it opens so it starts from a clean form.
 */
export function KeyFormDialog({ open, onClose, projectId, projectName, publicUrl }: KeyFormDialogProps) {
  const create = useMutation(createKeyMutationOptions());
  const [created, setCreated] = useState<CreatedKey | null>(null);

  if (created) {
    return (
      <Dialog
        open={open}
        onClose={onClose}
        title="Key created"
        description={`“${created.alias ?? created.prefix}” in ${projectName} is ready to use.`}
        size="lg"
        dismissOnBackdrop={false}
        footer={
          <Button variant="primary" onClick={onClose} data-autofocus>
            Done
          </Button>
        }
      >
        <KeySecretPanel created={created} publicUrl={publicUrl} />
      </Dialog>
    );
  }

  return (
    <Dialog
      open={open}
      onClose={() => {
        if (!create.isPending) onClose();
      }}
      title="Issue key"
      description={`A virtual key for ${projectName}. Apps send it as “Authorization: Bearer …”.`}
      size="lg"
      footer={
        <>
          <Button variant="ghost" onClick={onClose} disabled={create.isPending}>
            Cancel
          </Button>
          <Button type="submit" form={FORM_ID} variant="primary" loading={create.isPending}>
            Create key
          </Button>
        </>
      }
    >
      <KeyForm
        projectId={projectId}
        pending={create.isPending}
        onSubmit={(body, onError) =>
          create.mutate(body, {
            // The dialog itself turns into the confirmation, with the secret.
            onSuccess: setCreated,
            onError,
          })
        }
      />
    </Dialog>
  );
}

function KeyForm({
  projectId,
  pending,
  onSubmit,
}: {
  projectId: string;
  pending: boolean;
  onSubmit: (body: CreateKey, onError: (error: Error) => void) => void;
}) {
  const groups = useQuery(modelGroupNamesQueryOptions());
  const [alias, setAlias] = useState('');
  const [allModels, setAllModels] = useState(true);
  const [models, setModels] = useState<string[]>([]);
  const [rpm, setRpm] = useState('');
  const [tpm, setTpm] = useState('');
  const [parallel, setParallel] = useState('');
  const [budget, setBudget] = useState('');
  const [period, setPeriod] = useState<BudgetPeriod>('monthly');
  const [expires, setExpires] = useState('');
  const [errors, setErrors] = useState<FormErrors>(NO_FORM_ERRORS);

  function showErrors(next: FormErrors) {
    setErrors(next);
    const first = FIELD_ORDER.find((field) => next.fields[field]);
    if (first) document.getElementById(first === 'models' ? 'key-models-all' : fieldId(first))?.focus();
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const body: CreateKey = {
      projectId,
      alias: alias.trim() === '' ? null : alias,
      models: allModels ? [] : models,
      rpmLimit: parseOptionalNumber(rpm),
      tpmLimit: parseOptionalNumber(tpm),
      maxParallel: parseOptionalNumber(parallel),
      maxBudgetUsd: parseOptionalNumber(budget),
      budgetPeriod: budget.trim() === '' ? null : period,
      // The key works through the whole chosen day, in the operator's time zone.
      expiresAt: expires === '' ? null : new Date(`${expires}T23:59:59.999`).toISOString(),
      metadata: {},
    };
    const parsed = createKeySchema.safeParse(body);
    const next = parsed.success ? { fields: {}, other: [] } : formErrorsFromZod(parsed.error, LABELS);
    if (!allModels && models.length === 0)
      next.fields.models ??= 'Pick at least one model group, or allow all.';
    if (expires !== '' && expires < localToday()) next.fields.expiresAt ??= 'Pick today or a later date.';
    if (!parsed.success || Object.keys(next.fields).length > 0) return showErrors(next);
    setErrors(NO_FORM_ERRORS);
    onSubmit(parsed.data, (error) => setErrors(formErrorsFromApi(error, LABELS)));
  }

  const numberField = (
    field: 'rpmLimit' | 'tpmLimit' | 'maxParallel',
    value: string,
    set: (v: string) => void,
    hint: string,
  ) => (
    <Field id={fieldId(field)} label={LABELS[field]} hint={hint} error={errors.fields[field]}>
      {(control) => (
        <Input
          id={control.id}
          aria-describedby={control['aria-describedby']}
          invalid={control.invalid}
          inputMode="numeric"
          value={value}
          onChange={(event) => set(event.target.value)}
          placeholder="No limit"
          autoComplete="off"
          disabled={pending}
        />
      )}
    </Field>
  );

  return (
    <form id={FORM_ID} className={styles.form} onSubmit={submit} noValidate aria-busy={pending}>
      {errors.other.length > 0 ? (
        <InlineAlert tone="danger" title="The key could not be created">
          {errors.other.join(' ')}
        </InlineAlert>
      ) : null}

      <Field
        id={fieldId('alias')}
        label={LABELS.alias}
        hint="A name you will recognise, e.g. dify-prod."
        error={errors.fields.alias}
      >
        {(control) => (
          <Input
            id={control.id}
            aria-describedby={control['aria-describedby']}
            invalid={control.invalid}
            value={alias}
            onChange={(event) => setAlias(event.target.value)}
            maxLength={128}
            autoComplete="off"
            data-autofocus
            disabled={pending}
          />
        )}
      </Field>

      <fieldset
        className={styles.fieldset}
        aria-describedby={errors.fields.models ? 'key-models-error' : undefined}
      >
        <legend className={styles.legend}>{LABELS.models}</legend>
        <label className={styles.checkRow}>
          <input
            id="key-models-all"
            type="checkbox"
            checked={allModels}
            onChange={(event) => setAllModels(event.target.checked)}
            disabled={pending}
          />
          <span>
            All model groups <span className={styles.muted}>(including ones added later)</span>
          </span>
        </label>
        {groups.isPending ? (
          <div className={styles.modelGrid}>
            <Skeleton width={120} height={20} />
            <Skeleton width={120} height={20} />
          </div>
        ) : groups.isError ? (
          <p className={styles.fieldError}>Could not load model groups: {groups.error.message}</p>
        ) : groups.data.length === 0 ? (
          <p className={styles.hint}>No model groups exist yet; the key will be allowed all of them.</p>
        ) : (
          <div className={styles.modelGrid} role="group" aria-label="Model groups">
            {groups.data.map((name) => (
              <label key={name} className={`${styles.checkRow} ${allModels ? styles.checkDisabled : ''}`}>
                <input
                  type="checkbox"
                  checked={allModels || models.includes(name)}
                  disabled={allModels || pending}
                  onChange={(event) =>
                    setModels((current) =>
                      event.target.checked ? [...current, name] : current.filter((model) => model !== name),
                    )
                  }
                />
                <code>{name}</code>
              </label>
            ))}
          </div>
        )}
        {errors.fields.models ? (
          <p id="key-models-error" className={styles.fieldError}>
            {errors.fields.models}
          </p>
        ) : null}
      </fieldset>

      <fieldset className={styles.fieldset}>
        <legend className={styles.legend}>Rate limits</legend>
        <div className={styles.grid3}>
          {numberField('rpmLimit', rpm, setRpm, 'Requests per minute.')}
          {numberField('tpmLimit', tpm, setTpm, 'Tokens per minute.')}
          {numberField('maxParallel', parallel, setParallel, 'Requests at once.')}
        </div>
      </fieldset>

      <fieldset className={styles.fieldset}>
        <legend className={styles.legend}>Budget and expiry</legend>
        <div className={styles.grid3}>
          <Field
            id={fieldId('maxBudgetUsd')}
            label={LABELS.maxBudgetUsd}
            hint="Requests are refused once spent."
            error={errors.fields.maxBudgetUsd}
          >
            {(control) => (
              <Input
                id={control.id}
                aria-describedby={control['aria-describedby']}
                invalid={control.invalid}
                inputMode="decimal"
                value={budget}
                onChange={(event) => setBudget(event.target.value)}
                placeholder="No budget"
                autoComplete="off"
                disabled={pending}
              />
            )}
          </Field>
          <Field
            id={fieldId('budgetPeriod')}
            label={LABELS.budgetPeriod}
            hint={budget.trim() === '' ? 'Set a budget first.' : undefined}
            error={errors.fields.budgetPeriod}
          >
            {(control) => (
              <Select
                id={control.id}
                aria-describedby={control['aria-describedby']}
                invalid={control.invalid}
                value={period}
                onChange={(event) => setPeriod(event.target.value as BudgetPeriod)}
                disabled={pending || budget.trim() === ''}
              >
                {BUDGET_PERIODS.map((value) => (
                  <option key={value} value={value}>
                    {PERIOD_LABELS[value]}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field
            id={fieldId('expiresAt')}
            label={LABELS.expiresAt}
            hint="Empty: never expires."
            error={errors.fields.expiresAt}
          >
            {(control) => (
              <Input
                id={control.id}
                aria-describedby={control['aria-describedby']}
                invalid={control.invalid}
                type="date"
                min={localToday()}
                value={expires}
                onChange={(event) => setExpires(event.target.value)}
                disabled={pending}
              />
            )}
          </Field>
        </div>
      </fieldset>
    </form>
  );
}
