'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { BUDGET_PERIODS, type BudgetPeriod, type CreatedKey, type VirtualKey } from '@switchboard/contracts';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEventHandler } from 'react';
import { Controller, useForm, useWatch, type FieldErrors, type UseFormReturn } from 'react-hook-form';
import { Button, Field, Input, Skeleton } from '@/components/ui';
import { Dialog } from '@/components/ui/dialog';
import { formErrorsFromApi } from '@/components/ui/form-errors';
import { InlineAlert } from '@/components/ui/inline-alert';
import { Select } from '@/components/ui/select';
import { Textarea } from '@/components/ui/textarea';
import { toast } from '@/components/ui/toast';
import { useDiscardChanges } from '@/components/ui/unsaved-changes';
import {
  KEY_FIELD_LABELS as LABELS,
  KEY_FIELD_ORDER,
  KEY_FORM_FIELDS,
  type KeyFormField,
  keyFormErrors,
  keyFormSchema,
  type KeyFormValues,
  keyFormValues,
  type KeyRequest,
  localToday,
  toggleModel,
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
const fieldId = (field: KeyFormField) => `key-${field}`;
const FORM_FIELD_ORDER = KEY_FIELD_ORDER.map((field) => KEY_FORM_FIELDS[field]);

type KeyForm = UseFormReturn<KeyFormValues, unknown, KeyRequest>;

/** The models' messages belong to the first checkbox, "All model groups". */
function focusField(field: KeyFormField) {
  document.getElementById(field === 'models' ? 'key-models-all' : fieldId(field))?.focus();
}

/** Focus goes to the first field, in the form's order, that needs fixing. */
function focusFirstInvalid(errors: FieldErrors<KeyFormValues>) {
  const first = FORM_FIELD_ORDER.find((field) => errors[field]);
  if (first) focusField(first);
}

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
 * metadata, validated with the shared contract (keyFormSchema). An edit sends only what changed. Closing
 * with changes typed asks first. Give it a new `key` each time it opens so it starts from a clean form.
 */
export function KeyFormDialog(props: KeyFormDialogProps) {
  const { open, onClose, projectName, apiKey } = props;
  const create = useMutation(createKeyMutationOptions());
  const update = useMutation(updateKeyMutationOptions());
  const pending = create.isPending || update.isPending;
  const [initial] = useState(() => keyFormValues(apiKey));
  const [schema] = useState(() =>
    keyFormSchema(props.projectId !== undefined ? { projectId: props.projectId } : { initial }),
  );
  const form: KeyForm = useForm<KeyFormValues, unknown, KeyRequest>({
    resolver: zodResolver(schema),
    defaultValues: initial,
    // Focus follows the form's order (focusFirstInvalid), not the order fields were registered in.
    shouldFocusError: false,
  });
  const [created, setCreated] = useState<CreatedKey | null>(null);
  // The first field the API refused: focused once the form is enabled again.
  const refusedField = useRef<KeyFormField | null>(null);
  const discard = useDiscardChanges({
    dirty: form.formState.isDirty,
    onClose,
    busy: pending,
    description: apiKey
      ? `What you changed in “${keyName(apiKey)}” is not saved; the key keeps its current settings.`
      : 'The key is not created and what you typed is lost.',
  });

  useEffect(() => {
    if (pending || refusedField.current === null) return;
    focusField(refusedField.current);
    refusedField.current = null;
  }, [pending]);

  function onApiError(error: Error) {
    const { fields, other } = keyFormErrors(formErrorsFromApi(error, LABELS));
    for (const [field, message] of fields) form.setError(field, { type: 'server', message });
    if (other !== null) form.setError('root', { type: 'server', message: other });
    refusedField.current = fields[0]?.[0] ?? null;
  }

  function send(request: KeyRequest) {
    if (pending) return;
    if (request.kind === 'create') {
      // The dialog itself turns into the confirmation, with the secret.
      create.mutate(request.body, { onSuccess: setCreated, onError: onApiError });
      return;
    }
    if (!apiKey) return;
    if (Object.keys(request.patch).length === 0) {
      toast.info('Nothing to save', `“${keyName(apiKey)}” already has these settings.`);
      return onClose();
    }
    update.mutate(
      { id: apiKey.id, body: request.patch },
      {
        onSuccess: (saved) => {
          toast.success('Key saved', `“${keyName(saved)}” uses the new settings from its next request on.`);
          onClose();
        },
        onError: onApiError,
      },
    );
  }

  const onSubmit: FormEventHandler<HTMLFormElement> = (event) => {
    if (pending) return event.preventDefault();
    void form.handleSubmit(send, focusFirstInvalid)(event);
  };

  return (
    <>
      {discard.prompt}
      {created ? (
        <Dialog
          // Its own dialog (not the form's, re-labelled), so that it takes the focus as it opens: on
          // "Copy API key", not on Done, which would throw the secret away on Enter.
          key="created"
          open={open}
          onClose={onClose}
          title="Key created"
          description={`“${created.alias ?? created.prefix}” in ${projectName} is ready to use.`}
          size="lg"
          dismissOnBackdrop={false}
          footer={
            <Button variant="primary" onClick={onClose}>
              Done
            </Button>
          }
        >
          <KeySecretPanel created={created} publicUrl={props.publicUrl ?? null} />
        </Dialog>
      ) : (
        <Dialog
          key="form"
          open={open}
          onClose={discard.requestClose}
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
              <Button variant="ghost" onClick={discard.requestClose} disabled={pending}>
                Cancel
              </Button>
              <Button type="submit" form={FORM_ID} variant="primary" loading={pending}>
                {apiKey ? 'Save changes' : 'Create key'}
              </Button>
            </>
          }
        >
          <KeyForm form={form} editing={apiKey !== undefined} pending={pending} onSubmit={onSubmit} />
        </Dialog>
      )}
    </>
  );
}

function KeyForm({
  form,
  editing,
  pending,
  onSubmit,
}: {
  form: KeyForm;
  editing: boolean;
  pending: boolean;
  onSubmit: FormEventHandler<HTMLFormElement>;
}) {
  const { control, register } = form;
  const { errors } = form.formState;
  const groups = useQuery(modelGroupNamesQueryOptions());
  const [allModels, models, maxBudgetUsd] = useWatch({
    control,
    name: ['allModels', 'models', 'maxBudgetUsd'],
  });
  const noBudget = maxBudgetUsd.trim() === '';
  // A model group deleted since the key was issued is still allowed until the operator unticks it.
  const groupNames = groups.data
    ? [...groups.data, ...models.filter((name) => !groups.data.includes(name)).sort()]
    : [];

  const numberField = (
    field: 'rpmLimit' | 'tpmLimit' | 'maxParallel' | 'endUserRpmLimit' | 'endUserDailyBudgetUsd',
    hint: string,
    placeholder = 'No limit',
  ) => (
    <Field id={fieldId(field)} label={LABELS[field]} hint={hint} error={errors[field]?.message}>
      {(control) => (
        <Input
          {...register(field)}
          id={control.id}
          aria-describedby={control['aria-describedby']}
          invalid={control.invalid}
          inputMode={field === 'endUserDailyBudgetUsd' ? 'decimal' : 'numeric'}
          placeholder={placeholder}
          autoComplete="off"
          disabled={pending}
        />
      )}
    </Field>
  );

  return (
    <form id={FORM_ID} className={styles.form} onSubmit={onSubmit} noValidate aria-busy={pending}>
      {errors.root?.message ? (
        <InlineAlert
          tone="danger"
          title={editing ? 'The key could not be saved' : 'The key could not be created'}
        >
          {errors.root.message}
        </InlineAlert>
      ) : null}

      <Field
        id={fieldId('alias')}
        label={LABELS.alias}
        hint="A name you will recognise, e.g. dify-prod."
        error={errors.alias?.message}
      >
        {(control) => (
          <Input
            {...register('alias')}
            id={control.id}
            aria-describedby={control['aria-describedby']}
            invalid={control.invalid}
            maxLength={128}
            autoComplete="off"
            data-autofocus
            disabled={pending}
          />
        )}
      </Field>

      <fieldset className={styles.fieldset} aria-describedby={errors.models ? 'key-models-error' : undefined}>
        <legend className={styles.legend}>{LABELS.models}</legend>
        <label className={styles.checkRow}>
          <input
            {...register('allModels', { deps: ['models'] })}
            id="key-models-all"
            type="checkbox"
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
          <Controller
            control={control}
            name="models"
            render={({ field }) => (
              <div className={styles.modelGrid} role="group" aria-label="Model groups">
                {groupNames.map((name) => (
                  <label key={name} className={`${styles.checkRow} ${allModels ? styles.checkDisabled : ''}`}>
                    <input
                      type="checkbox"
                      checked={allModels || field.value.includes(name)}
                      disabled={allModels || pending}
                      onChange={(event) =>
                        field.onChange(toggleModel(field.value, name, event.target.checked))
                      }
                      onBlur={field.onBlur}
                    />
                    <code>{name}</code>
                  </label>
                ))}
              </div>
            )}
          />
        )}
        {errors.models?.message ? (
          <p id="key-models-error" className={styles.fieldError}>
            {errors.models.message}
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
            error={errors.maxBudgetUsd?.message}
          >
            {(control) => (
              <Input
                {...register('maxBudgetUsd')}
                id={control.id}
                aria-describedby={control['aria-describedby']}
                invalid={control.invalid}
                inputMode="decimal"
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
            error={errors.budgetPeriod?.message}
          >
            {(control) => (
              <Select
                {...register('budgetPeriod')}
                id={control.id}
                aria-describedby={control['aria-describedby']}
                invalid={control.invalid}
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
            id={fieldId('expiresOn')}
            label={LABELS.expiresAt}
            hint="Empty: never expires."
            error={errors.expiresOn?.message}
          >
            {(control) => (
              <Input
                {...register('expiresOn')}
                id={control.id}
                aria-describedby={control['aria-describedby']}
                invalid={control.invalid}
                type="date"
                min={localToday()}
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
        error={errors.metadata?.message}
      >
        {(control) => (
          <Textarea
            {...register('metadata')}
            id={control.id}
            aria-describedby={control['aria-describedby']}
            invalid={control.invalid}
            className={styles.metadata}
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
