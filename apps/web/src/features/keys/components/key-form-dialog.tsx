'use client';

import { BUDGET_PERIODS, type BudgetPeriod, type CreatedKey, type VirtualKey } from '@switchboard/contracts';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Button, Field, Input, Skeleton } from '@/components/ui';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Dialog } from '@/components/ui/dialog';
import { formErrorsFromApi, NO_FORM_ERRORS, type FormErrors } from '@/components/ui/form-errors';
import { InlineAlert } from '@/components/ui/inline-alert';
import { Select } from '@/components/ui/select';
import { Textarea } from '@/components/ui/textarea';
import { toast } from '@/components/ui/toast';
import {
  buildCreateKeyBody,
  buildKeyPatch,
  KEY_FIELD_LABELS as LABELS,
  KEY_FIELD_ORDER,
  type KeyField,
  keyFormChanged,
  type KeyFormValues,
  keyFormValues,
  localToday,
} from '../key-form';
import { createKeyMutationOptions, modelGroupNamesQueryOptions, updateKeyMutationOptions } from '../queries';
import { keyName } from './key-card';
import { KeySecretPanel } from './key-secret-panel';
import styles from './keys.module.css';

export const PERIOD_LABELS: Record<BudgetPeriod, string> = {
  daily: 'Daily (resets at 00:00 UTC)',
  weekly: 'Weekly (resets Monday 00:00 UTC)',
  monthly: 'Monthly (resets on the 1st, UTC)',
  total: 'Total (never resets)',
};

const FORM_ID = 'key-form';
const fieldId = (field: KeyField) => `key-${field}`;

type KeyFormDialogProps = {
  open: boolean;
  onClose: () => void;
  projectName: string;
} & (
  | {
      /** Issue a key in this project; on success the dialog shows its secret once. */
      projectId: string;
      publicUrl: string | null;
      apiKey?: undefined;
    }
  | {
      /** Edit this key: its settings change, its secret stays. */
      apiKey: VirtualKey;
      projectId?: undefined;
      publicUrl?: undefined;
    }
);

/**
 * Issue a key, or edit one without reissuing it: alias, allowed model groups, limits, budget, expiry and
 * metadata, validated with the shared contract. An edit sends only what changed. Closing with changes
 * typed asks first. Give it a new `key` each time it opens so it starts from a clean form.
 */
export function KeyFormDialog(props: KeyFormDialogProps) {
  const { open, onClose, projectName, apiKey } = props;
  const create = useMutation(createKeyMutationOptions());
  const update = useMutation(updateKeyMutationOptions());
  const pending = create.isPending || update.isPending;
  const [initial] = useState(() => keyFormValues(apiKey));
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<FormErrors>(NO_FORM_ERRORS);
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const [confirmingDiscard, setConfirmingDiscard] = useState(false);

  const changed = keyFormChanged(values, initial);

  function requestClose() {
    if (pending) return;
    if (changed) setConfirmingDiscard(true);
    else onClose();
  }

  function showErrors(next: FormErrors) {
    setErrors(next);
    const first = KEY_FIELD_ORDER.find((field) => next.fields[field]);
    if (first) document.getElementById(first === 'models' ? 'key-models-all' : fieldId(first))?.focus();
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const onError = (error: Error) => setErrors(formErrorsFromApi(error, LABELS));

    if (apiKey) {
      const built = buildKeyPatch(values, initial);
      if (!built.ok) return showErrors(built.errors);
      setErrors(NO_FORM_ERRORS);
      if (Object.keys(built.body).length === 0) {
        toast.info('Nothing to save', `“${keyName(apiKey)}” already has these settings.`);
        return onClose();
      }
      update.mutate(
        { id: apiKey.id, body: built.body },
        {
          onSuccess: (saved) => {
            toast.success('Key saved', `“${keyName(saved)}” uses the new settings from its next request on.`);
            onClose();
          },
          onError,
        },
      );
      return;
    }

    const built = buildCreateKeyBody(props.projectId, values);
    if (!built.ok) return showErrors(built.errors);
    setErrors(NO_FORM_ERRORS);
    // The dialog itself turns into the confirmation, with the secret.
    create.mutate(built.body, { onSuccess: setCreated, onError });
  }

  return (
    <>
      {/* First, so that on "Discard" it closes before the form and focus goes back to what opened the form. */}
      <ConfirmDialog
        open={confirmingDiscard}
        onCancel={() => setConfirmingDiscard(false)}
        onConfirm={() => {
          setConfirmingDiscard(false);
          onClose();
        }}
        title="Discard changes?"
        description={
          apiKey
            ? `What you changed in “${keyName(apiKey)}” is not saved; the key keeps its current settings.`
            : 'The key is not created and what you typed is lost.'
        }
        confirmLabel="Discard changes"
        cancelLabel="Keep editing"
      />
      {created ? (
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
          <KeySecretPanel created={created} publicUrl={props.publicUrl ?? null} />
        </Dialog>
      ) : (
        <Dialog
          open={open}
          onClose={requestClose}
          title={apiKey ? `Edit “${keyName(apiKey)}”` : 'Issue key'}
          description={
            apiKey ? (
              <>
                <code>{apiKey.prefix}</code> in {projectName}. The secret stays the same; apps keep using it.
              </>
            ) : (
              `A virtual key for ${projectName}. Apps send it as “Authorization: Bearer …”.`
            )
          }
          size="lg"
          footer={
            <>
              <Button variant="ghost" onClick={requestClose} disabled={pending}>
                Cancel
              </Button>
              <Button type="submit" form={FORM_ID} variant="primary" loading={pending}>
                {apiKey ? 'Save changes' : 'Create key'}
              </Button>
            </>
          }
        >
          <KeyForm
            values={values}
            onChange={(patch) => setValues((current) => ({ ...current, ...patch }))}
            errors={errors}
            editing={apiKey !== undefined}
            pending={pending}
            onSubmit={submit}
          />
        </Dialog>
      )}
    </>
  );
}

function KeyForm({
  values,
  onChange,
  errors,
  editing,
  pending,
  onSubmit,
}: {
  values: KeyFormValues;
  onChange: (patch: Partial<KeyFormValues>) => void;
  errors: FormErrors;
  editing: boolean;
  pending: boolean;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
}) {
  const groups = useQuery(modelGroupNamesQueryOptions());
  const noBudget = values.maxBudgetUsd.trim() === '';
  // A model group deleted since the key was issued is still allowed until the operator unticks it.
  const groupNames = groups.data
    ? [...groups.data, ...values.models.filter((name) => !groups.data.includes(name)).sort()]
    : [];

  const numberField = (
    field: 'rpmLimit' | 'tpmLimit' | 'maxParallel' | 'endUserRpmLimit' | 'endUserDailyBudgetUsd',
    hint: string,
    placeholder = 'No limit',
  ) => (
    <Field id={fieldId(field)} label={LABELS[field]} hint={hint} error={errors.fields[field]}>
      {(control) => (
        <Input
          id={control.id}
          aria-describedby={control['aria-describedby']}
          invalid={control.invalid}
          inputMode={field === 'endUserDailyBudgetUsd' ? 'decimal' : 'numeric'}
          value={values[field]}
          onChange={(event) => onChange({ [field]: event.target.value })}
          placeholder={placeholder}
          autoComplete="off"
          disabled={pending}
        />
      )}
    </Field>
  );

  return (
    <form id={FORM_ID} className={styles.form} onSubmit={onSubmit} noValidate aria-busy={pending}>
      {errors.other.length > 0 ? (
        <InlineAlert
          tone="danger"
          title={editing ? 'The key could not be saved' : 'The key could not be created'}
        >
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
            value={values.alias}
            onChange={(event) => onChange({ alias: event.target.value })}
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
            checked={values.allModels}
            onChange={(event) => onChange({ allModels: event.target.checked })}
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
        ) : groupNames.length === 0 ? (
          <p className={styles.hint}>No model groups exist yet; the key will be allowed all of them.</p>
        ) : (
          <div className={styles.modelGrid} role="group" aria-label="Model groups">
            {groupNames.map((name) => (
              <label
                key={name}
                className={`${styles.checkRow} ${values.allModels ? styles.checkDisabled : ''}`}
              >
                <input
                  type="checkbox"
                  checked={values.allModels || values.models.includes(name)}
                  disabled={values.allModels || pending}
                  onChange={(event) =>
                    onChange({
                      models: event.target.checked
                        ? [...values.models, name]
                        : values.models.filter((model) => model !== name),
                    })
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
          {numberField('rpmLimit', 'Requests per minute.')}
          {numberField('tpmLimit', 'Tokens per minute.')}
          {numberField('maxParallel', 'Requests at once.')}
        </div>
        <p className={styles.hint} id="key-end-user-hint">
          Dify sends each end user of its app as the request&apos;s <code>user</code> field. These limits
          apply to each end user separately, so one user cannot use up the whole key; requests without{' '}
          <code>user</code> are not counted.
        </p>
        <div className={styles.grid2}>
          {numberField('endUserRpmLimit', 'Requests per minute, for each end user.')}
          {numberField(
            'endUserDailyBudgetUsd',
            'USD per UTC day, for each end user; refused once spent.',
            'No budget',
          )}
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
                value={values.maxBudgetUsd}
                onChange={(event) => onChange({ maxBudgetUsd: event.target.value })}
                placeholder="No budget"
                autoComplete="off"
                disabled={pending}
              />
            )}
          </Field>
          <Field
            id={fieldId('budgetPeriod')}
            label={LABELS.budgetPeriod}
            hint={
              noBudget
                ? 'Set a budget first.'
                : editing
                  ? 'A new period starts counting when you change it.'
                  : undefined
            }
            error={errors.fields.budgetPeriod}
          >
            {(control) => (
              <Select
                id={control.id}
                aria-describedby={control['aria-describedby']}
                invalid={control.invalid}
                value={values.budgetPeriod}
                onChange={(event) => onChange({ budgetPeriod: event.target.value as BudgetPeriod })}
                disabled={pending || noBudget}
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
                value={values.expiresOn}
                onChange={(event) => onChange({ expiresOn: event.target.value })}
                disabled={pending}
              />
            )}
          </Field>
        </div>
      </fieldset>

      <Field
        id={fieldId('metadata')}
        label={`${LABELS.metadata} (optional)`}
        hint={'A JSON object kept with the key for your own bookkeeping, e.g. {"team": "search"}.'}
        error={errors.fields.metadata}
      >
        {(control) => (
          <Textarea
            id={control.id}
            aria-describedby={control['aria-describedby']}
            invalid={control.invalid}
            className={styles.metadata}
            value={values.metadata}
            onChange={(event) => onChange({ metadata: event.target.value })}
            rows={3}
            spellCheck={false}
            placeholder="{}"
            disabled={pending}
          />
        )}
      </Field>
    </form>
  );
}
