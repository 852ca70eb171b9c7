'use client';

import type { AlertRule, AlertRuleKind } from '@switchboard/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Field, Input } from '@/components/ui';
import { FormDialog } from '@/components/ui/form-dialog';
import { formErrorsFromApi } from '@/components/ui/form-errors';
import { Select } from '@/components/ui/select';
import { Switch } from '@/components/ui/switch';
import { toast } from '@/components/ui/toast';
import { useFormErrors } from '@/components/ui/use-form-errors';
import { useDiscardChanges } from '@/components/ui/unsaved-changes';
import {
  isBudgetKind,
  isRateKind,
  parseRuleForm,
  RULE_KINDS,
  RULE_LABELS,
  ruleFormValues,
  type RuleFormValues,
} from '../alert-forms';
import { alertChannelsQueryOptions, alertTargetsQueryOptions, saveRuleMutationOptions } from '../queries';
import styles from './alerts.module.css';

const FORM_ID = 'alert-rule-form';
const ORDER = ['name', 'kind', 'target', 'threshold', 'windowMinutes', 'minRequests', 'channelIds'] as const;
const EVERY: Readonly<Record<AlertRuleKind, string>> = {
  'deployment.cooldown': 'Every deployment',
  'deployment.error_rate': 'Every deployment',
  'group.error_rate': 'Every model group',
  'key.budget': 'Every key with a budget',
  'project.budget': 'Every project',
};

/** Adds or edits a rule; the fields follow the kind. */
export function RuleFormDialog({ rule, onClose }: { rule: AlertRule | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const channels = useQuery(alertChannelsQueryOptions());
  const save = useMutation(saveRuleMutationOptions(queryClient));
  const [initial] = useState(() => ruleFormValues(rule, channels.data ?? []));
  const [values, setValues] = useState<RuleFormValues>(initial);
  const { errors, showErrors, clearErrors } = useFormErrors(ORDER, (field) => `rule-${field}`);
  const targets = useQuery(alertTargetsQueryOptions(values.kind));
  const set = <K extends keyof RuleFormValues>(key: K, value: RuleFormValues[K]) =>
    setValues((v) => ({ ...v, [key]: value }));
  const dirty = JSON.stringify(values) !== JSON.stringify(initial);
  const discard = useDiscardChanges({
    dirty,
    onClose,
    busy: save.isPending,
    description: rule ? `What you changed in “${rule.name}” is not saved.` : 'The rule is not added.',
  });
  const rate = isRateKind(values.kind);
  const budget = isBudgetKind(values.kind);
  const kindHint = RULE_KINDS.find((k) => k.kind === values.kind)?.hint;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (save.isPending) return;
    const parsed = parseRuleForm(values);
    if (!parsed.ok) return showErrors(parsed.errors);
    clearErrors();
    save.mutate(
      { id: rule?.id ?? null, body: parsed.body },
      {
        onSuccess: (saved) => {
          toast.success(rule ? `Rule ${saved.name} saved` : `Rule ${saved.name} added`);
          onClose();
        },
        onError: (error) => showErrors(formErrorsFromApi(error, RULE_LABELS)),
      },
    );
  }

  function toggleChannel(id: string, on: boolean) {
    set('channelIds', on ? [...values.channelIds, id] : values.channelIds.filter((c) => c !== id));
  }

  // A stored target no longer listed (deleted) still shows as itself.
  const options = targets.data ?? [];
  const missingTarget =
    values.target !== '' && targets.data && !options.some((o) => o.value === values.target);

  return (
    <FormDialog
      prompt={discard.prompt}
      open
      onClose={discard.requestClose}
      title={rule ? `Edit rule ${rule.name}` : 'Add an alert rule'}
      description="Sent once when a subject starts firing and once when it resolves."
      formId={FORM_ID}
      formClassName={styles.form}
      onSubmit={onSubmit}
      pending={save.isPending}
      submitLabel={rule ? 'Save rule' : 'Add rule'}
      otherErrors={errors.other}
      errorTitle="The rule could not be saved"
    >
      <Field
        id="rule-name"
        label={RULE_LABELS.name}
        hint="e.g. primary upstream down"
        error={errors.fields.name}
      >
        {(control) => (
          <Input
            {...control}
            value={values.name}
            onChange={(e) => set('name', e.target.value)}
            maxLength={128}
            autoComplete="off"
            data-autofocus
          />
        )}
      </Field>
      <Field id="rule-kind" label={RULE_LABELS.kind} hint={kindHint} error={errors.fields.kind}>
        {(control) => (
          <Select
            {...control}
            value={values.kind}
            onChange={(e) =>
              setValues((v) => ({
                ...v,
                kind: e.target.value as AlertRuleKind,
                target: '',
                threshold: '',
              }))
            }
          >
            {RULE_KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field
        id="rule-target"
        label={RULE_LABELS.target}
        hint={targets.isError ? `Could not load the list: ${targets.error.message}` : undefined}
        error={errors.fields.target}
      >
        {(control) => (
          <Select {...control} value={values.target} onChange={(e) => set('target', e.target.value)}>
            <option value="">{EVERY[values.kind]}</option>
            {missingTarget ? (
              <option value={values.target}>{rule?.targetName ?? values.target}</option>
            ) : null}
            {options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </Select>
        )}
      </Field>
      {rate || budget ? (
        <Field
          id="rule-threshold"
          label={RULE_LABELS.threshold}
          hint={
            rate
              ? 'Fires at or above this share of failures, e.g. 20.'
              : 'Fires at or above this percent of the budget spent in its period, e.g. 80 or 100.'
          }
          error={errors.fields.threshold}
        >
          {(control) => (
            <Input
              {...control}
              inputMode="decimal"
              value={values.threshold}
              onChange={(e) => set('threshold', e.target.value)}
              placeholder={rate ? '20' : '80'}
              autoComplete="off"
              endAdornment={<span className={styles.unit}>%</span>}
            />
          )}
        </Field>
      ) : null}
      {rate ? (
        <div className={styles.pair}>
          <Field
            id="rule-windowMinutes"
            label={RULE_LABELS.windowMinutes}
            error={errors.fields.windowMinutes}
          >
            {(control) => (
              <Input
                {...control}
                inputMode="numeric"
                value={values.windowMinutes}
                onChange={(e) => set('windowMinutes', e.target.value)}
                endAdornment={<span className={styles.unit}>min</span>}
              />
            )}
          </Field>
          <Field
            id="rule-minRequests"
            label={RULE_LABELS.minRequests}
            hint="Fewer in the window never fire."
            error={errors.fields.minRequests}
          >
            {(control) => (
              <Input
                {...control}
                inputMode="numeric"
                value={values.minRequests}
                onChange={(e) => set('minRequests', e.target.value)}
              />
            )}
          </Field>
        </div>
      ) : null}
      <fieldset className={styles.checks} id="rule-channelIds" tabIndex={-1}>
        <legend>{RULE_LABELS.channelIds}</legend>
        {(channels.data ?? []).length === 0 ? (
          <p className={styles.hint}>No channels yet: the rule records its alerts in the history only.</p>
        ) : (
          (channels.data ?? []).map((c) => (
            <label key={c.id} className={styles.check}>
              <input
                type="checkbox"
                checked={values.channelIds.includes(c.id)}
                onChange={(e) => toggleChannel(c.id, e.target.checked)}
              />
              {c.name}
              <span className={styles.sub}>{c.urlHint}</span>
            </label>
          ))
        )}
        {errors.fields.channelIds ? <p className={styles.firing}>{errors.fields.channelIds}</p> : null}
      </fieldset>
      <label className={styles.toggle} htmlFor="rule-enabled">
        <Switch
          id="rule-enabled"
          checked={values.enabled}
          onCheckedChange={(checked) => set('enabled', checked)}
        />
        Enabled
      </label>
    </FormDialog>
  );
}
