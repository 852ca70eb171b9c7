'use client';

import {
  PROBE_MODES,
  PROVIDERS,
  type Deployment,
  type ProbeMode,
  type ProviderKind,
} from '@switchboard/contracts';
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Field, Input } from '@/components/ui';
import {
  formErrorsFromApi,
  hasFormErrors,
  NO_FORM_ERRORS,
  type FormErrors,
} from '@/components/ui/form-errors';
import { InlineAlert } from '@/components/ui/inline-alert';
import { Select } from '@/components/ui/select';
import { Switch } from '@/components/ui/switch';
import {
  buildCreateBody,
  buildUpdatePatch,
  CAPABILITIES,
  CAPABILITY_LABELS,
  FIELD_LABELS,
  initialFormValues,
  PROBE_MODE_LABELS,
  PROVIDER_LABELS,
  PROVIDER_SPECS,
  type DeploymentField,
  type DeploymentFormValues,
} from '../deployment-form';
import type { CreateDeployment, UpdateDeployment } from '@switchboard/contracts';
import styles from './deployment-form.module.css';

export type DeploymentFormSubmit =
  { mode: 'create'; body: CreateDeployment } | { mode: 'edit'; patch: UpdateDeployment };

interface DeploymentFormProps {
  formId: string;
  /** Edit mode when set. */
  deployment?: Deployment;
  /** Pre-fills the group (e.g. "Add deployment" from a group's page). */
  defaultModelGroup?: string;
  groupNames: readonly string[];
  disabled: boolean;
  /** Rejects with the API's error; its field details are shown next to the fields. */
  onSubmit: (submit: DeploymentFormSubmit) => Promise<unknown>;
}

function Unit({ children }: { children: ReactNode }) {
  return (
    <span className={styles.unit} aria-hidden="true">
      {children}
    </span>
  );
}

export function DeploymentForm({
  formId,
  deployment,
  defaultModelGroup,
  groupNames,
  disabled,
  onSubmit,
}: DeploymentFormProps) {
  const uid = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const [values, setValues] = useState<DeploymentFormValues>(() =>
    initialFormValues(deployment, defaultModelGroup),
  );
  const [errors, setErrors] = useState<FormErrors>(NO_FORM_ERRORS);
  // Bumped after a failed submit so focus moves to the first field that needs fixing.
  const [focusRequest, setFocusRequest] = useState(0);
  const editing = deployment !== undefined;
  const spec = PROVIDER_SPECS[values.provider];
  const idOf = (field: DeploymentField) => `${uid}-${field}`;

  useEffect(() => {
    if (focusRequest === 0) return;
    const form = formRef.current;
    (
      form?.querySelector<HTMLElement>('[aria-invalid="true"]') ??
      form?.querySelector<HTMLElement>('[role="alert"]')
    )?.focus();
  }, [focusRequest]);

  function set<K extends keyof DeploymentFormValues>(field: K, value: DeploymentFormValues[K]) {
    setValues((current) => ({ ...current, [field]: value }));
    // The operator is fixing it: the old message no longer applies.
    setErrors((current) => {
      const key = field === 'clearApiKey' ? 'apiKey' : field;
      if (!current.fields[key]) return current;
      return { ...current, fields: { ...current.fields, [key]: undefined } };
    });
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (disabled) return;
    const built = editing ? buildUpdatePatch(values, deployment) : buildCreateBody(values);
    if (!built.ok) {
      setErrors(built.errors);
      setFocusRequest((n) => n + 1);
      return;
    }
    setErrors(NO_FORM_ERRORS);
    try {
      await onSubmit(
        editing
          ? { mode: 'edit', patch: built.body }
          : { mode: 'create', body: built.body as CreateDeployment },
      );
    } catch (error) {
      const mapped = formErrorsFromApi(error, FIELD_LABELS);
      setErrors(
        hasFormErrors(mapped) ? mapped : { fields: {}, other: ['The deployment could not be saved.'] },
      );
      setFocusRequest((n) => n + 1);
    }
  }

  const field = (name: DeploymentField) => ({ id: idOf(name), error: errors.fields[name] ?? null });
  const newGroup =
    values.modelGroup.trim() !== '' &&
    !groupNames.includes(values.modelGroup.trim()) &&
    groupNames.length > 0;
  const datalistId = `${uid}-groups`;

  return (
    <form
      id={formId}
      ref={formRef}
      className={styles.form}
      onSubmit={handleSubmit}
      noValidate
      aria-busy={disabled}
    >
      {errors.other.length > 0 ? (
        <InlineAlert tone="danger" title="The deployment was not saved">
          {errors.other.length === 1 ? (
            errors.other[0]
          ) : (
            <ul className={styles.issueList}>
              {errors.other.map((message) => (
                <li key={message}>{message}</li>
              ))}
            </ul>
          )}
        </InlineAlert>
      ) : null}

      <fieldset className={styles.section} disabled={disabled}>
        <legend className={styles.legend}>Identity</legend>
        <div className={styles.grid}>
          <Field {...field('name')} label={FIELD_LABELS.name} hint="Unique. Letters, digits and . _ : / @ -">
            {(control) => (
              <Input
                {...control}
                name="name"
                autoComplete="off"
                spellCheck={false}
                placeholder="openai-gpt-4o-mini-eu"
                value={values.name}
                onChange={(e) => set('name', e.target.value)}
                invalid={control.invalid}
              />
            )}
          </Field>
          <Field
            {...field('modelGroup')}
            label={FIELD_LABELS.modelGroup}
            hint={
              newGroup
                ? `No group is named “${values.modelGroup.trim()}” yet: saving creates it.`
                : 'The model name clients ask for. Pick a group or type a new name.'
            }
          >
            {(control) => (
              <>
                <Input
                  {...control}
                  name="modelGroup"
                  list={datalistId}
                  autoComplete="off"
                  spellCheck={false}
                  placeholder="gpt-4o-mini"
                  value={values.modelGroup}
                  onChange={(e) => set('modelGroup', e.target.value)}
                  invalid={control.invalid}
                />
                <datalist id={datalistId}>
                  {groupNames.map((name) => (
                    <option key={name} value={name} />
                  ))}
                </datalist>
              </>
            )}
          </Field>
        </div>
      </fieldset>

      <fieldset className={styles.section} disabled={disabled}>
        <legend className={styles.legend}>Upstream</legend>
        <div className={styles.grid}>
          <Field {...field('provider')} label={FIELD_LABELS.provider} hint={spec.summary}>
            {(control) => (
              <Select
                id={control.id}
                aria-describedby={control['aria-describedby']}
                invalid={control.invalid}
                name="provider"
                value={values.provider}
                onChange={(e) => set('provider', e.target.value as ProviderKind)}
              >
                {PROVIDERS.map((provider) => (
                  <option key={provider} value={provider}>
                    {PROVIDER_LABELS[provider]}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field {...field('model')} label={FIELD_LABELS.model} hint={spec.model.hint}>
            {(control) => (
              <Input
                {...control}
                name="model"
                autoComplete="off"
                spellCheck={false}
                placeholder={spec.model.placeholder}
                value={values.model}
                onChange={(e) => set('model', e.target.value)}
                invalid={control.invalid}
                required
              />
            )}
          </Field>
          <Field
            {...field('apiBase')}
            label={spec.apiBase.required ? FIELD_LABELS.apiBase : `${FIELD_LABELS.apiBase} (optional)`}
            hint={spec.apiBase.hint}
          >
            {(control) => (
              <Input
                {...control}
                name="apiBase"
                type="url"
                inputMode="url"
                autoComplete="off"
                spellCheck={false}
                placeholder={spec.apiBase.placeholder}
                value={values.apiBase}
                onChange={(e) => set('apiBase', e.target.value)}
                invalid={control.invalid}
                required={spec.apiBase.required}
              />
            )}
          </Field>
          {spec.apiVersion ? (
            <Field {...field('apiVersion')} label={FIELD_LABELS.apiVersion} hint={spec.apiVersion.hint}>
              {(control) => (
                <Input
                  {...control}
                  name="apiVersion"
                  autoComplete="off"
                  spellCheck={false}
                  placeholder={spec.apiVersion?.placeholder}
                  value={values.apiVersion}
                  onChange={(e) => set('apiVersion', e.target.value)}
                  invalid={control.invalid}
                />
              )}
            </Field>
          ) : null}
          <div className={spec.apiVersion ? styles.full : undefined}>
            <Field
              {...field('apiKey')}
              label={editing ? `Replace ${FIELD_LABELS.apiKey}` : FIELD_LABELS.apiKey}
              hint={
                editing
                  ? deployment.apiKeyHint
                    ? `Current key: ${deployment.apiKeyHint}. Leave empty to keep it.`
                    : 'No key is stored. Leave empty to keep it that way.'
                  : spec.apiKey.hint
              }
            >
              {(control) => (
                <Input
                  {...control}
                  name="apiKey"
                  type="password"
                  autoComplete="new-password"
                  spellCheck={false}
                  placeholder={
                    editing && deployment.apiKeyHint ? 'Leave empty to keep the current key' : 'sk-…'
                  }
                  value={values.apiKey}
                  disabled={values.clearApiKey}
                  onChange={(e) => set('apiKey', e.target.value)}
                  invalid={control.invalid}
                />
              )}
            </Field>
            {editing && deployment.apiKeyHint ? (
              <label className={styles.checkbox}>
                <input
                  type="checkbox"
                  checked={values.clearApiKey}
                  onChange={(e) => set('clearApiKey', e.target.checked)}
                />
                Remove the stored key
              </label>
            ) : null}
          </div>
        </div>
      </fieldset>

      <fieldset className={styles.section} disabled={disabled}>
        <legend className={styles.legend}>Routing and limits</legend>
        <div className={styles.grid}>
          <Field
            {...field('weight')}
            label={FIELD_LABELS.weight}
            hint="Share of the group's traffic relative to the others. Empty = 1 (or by rpm limits)."
          >
            {(control) => (
              <Input
                {...control}
                name="weight"
                inputMode="numeric"
                placeholder="1"
                value={values.weight}
                onChange={(e) => set('weight', e.target.value)}
                invalid={control.invalid}
              />
            )}
          </Field>
          <Field
            {...field('priority')}
            label={FIELD_LABELS.priority}
            hint="Used by the priority strategy: 0 is tried first, higher numbers are standbys."
          >
            {(control) => (
              <Input
                {...control}
                name="priority"
                inputMode="numeric"
                value={values.priority}
                onChange={(e) => set('priority', e.target.value)}
                invalid={control.invalid}
              />
            )}
          </Field>
          <Field
            {...field('rpmLimit')}
            label={FIELD_LABELS.rpmLimit}
            hint="Requests per minute. Empty = no limit."
          >
            {(control) => (
              <Input
                {...control}
                name="rpmLimit"
                inputMode="numeric"
                placeholder="No limit"
                value={values.rpmLimit}
                onChange={(e) => set('rpmLimit', e.target.value)}
                invalid={control.invalid}
                endAdornment={<Unit>rpm</Unit>}
              />
            )}
          </Field>
          <Field
            {...field('tpmLimit')}
            label={FIELD_LABELS.tpmLimit}
            hint="Tokens per minute. Empty = no limit."
          >
            {(control) => (
              <Input
                {...control}
                name="tpmLimit"
                inputMode="numeric"
                placeholder="No limit"
                value={values.tpmLimit}
                onChange={(e) => set('tpmLimit', e.target.value)}
                invalid={control.invalid}
                endAdornment={<Unit>tpm</Unit>}
              />
            )}
          </Field>
          <Field
            {...field('timeoutMs')}
            label={FIELD_LABELS.timeoutMs}
            hint="Per request to this upstream. Empty = the model group's timeout."
          >
            {(control) => (
              <Input
                {...control}
                name="timeoutMs"
                inputMode="numeric"
                placeholder="Group default"
                value={values.timeoutMs}
                onChange={(e) => set('timeoutMs', e.target.value)}
                invalid={control.invalid}
                endAdornment={<Unit>ms</Unit>}
              />
            )}
          </Field>
          <Field {...field('tags')} label={FIELD_LABELS.tags} hint="Comma-separated, e.g. eu, batch.">
            {(control) => (
              <Input
                {...control}
                name="tags"
                autoComplete="off"
                value={values.tags}
                onChange={(e) => set('tags', e.target.value)}
                invalid={control.invalid}
              />
            )}
          </Field>
        </div>
        <fieldset className={styles.capabilities} aria-describedby={`${idOf('capabilities')}-hint`}>
          <legend className={styles.switchLabel}>{FIELD_LABELS.capabilities}</legend>
          <p id={`${idOf('capabilities')}-hint`} className={styles.switchHint}>
            {values.capabilities.length === 0
              ? 'Nothing ticked: everything the provider can do. Tick what this upstream really serves, so requests for the rest go elsewhere.'
              : 'Requests for anything else go to the other deployments of the group.'}
          </p>
          <div className={styles.capabilityList}>
            {CAPABILITIES.map((c) => (
              <label key={c} className={styles.capability}>
                <input
                  type="checkbox"
                  name="capabilities"
                  value={c}
                  checked={values.capabilities.includes(c)}
                  onChange={(e) =>
                    set(
                      'capabilities',
                      e.target.checked
                        ? [...values.capabilities, c]
                        : values.capabilities.filter((x) => x !== c),
                    )
                  }
                />
                {CAPABILITY_LABELS[c]}
              </label>
            ))}
          </div>
        </fieldset>
        <div className={styles.switchRow}>
          <Switch
            id={idOf('enabled')}
            checked={values.enabled}
            onCheckedChange={(checked) => set('enabled', checked)}
            aria-describedby={`${idOf('enabled')}-hint`}
          />
          <div>
            <label htmlFor={idOf('enabled')} className={styles.switchLabel}>
              {FIELD_LABELS.enabled}
            </label>
            <p id={`${idOf('enabled')}-hint`} className={styles.switchHint}>
              {values.enabled
                ? 'Receives traffic as soon as it is saved.'
                : 'Saved, but gets no traffic until enabled.'}
            </p>
          </div>
        </div>
      </fieldset>

      <fieldset className={styles.section} disabled={disabled}>
        <legend className={styles.legend}>Health checks</legend>
        <div className={styles.grid}>
          <Field
            {...field('probeEnabled')}
            label={FIELD_LABELS.probeEnabled}
            hint={
              values.probeEnabled
                ? 'Probed in the background, without traffic; the result shows on the Deployments page.'
                : 'Off: no background checks. Benched after failures, it is still checked every 5 s with the free GET /models.'
            }
          >
            {(control) => (
              <Select
                id={control.id}
                aria-describedby={control['aria-describedby']}
                invalid={control.invalid}
                name="probeEnabled"
                value={values.probeEnabled ? 'on' : 'off'}
                onChange={(e) => set('probeEnabled', e.target.value === 'on')}
              >
                <option value="off">Off</option>
                <option value="on">Every N seconds</option>
              </Select>
            )}
          </Field>
          {values.probeEnabled && (
            <Field
              {...field('probeIntervalSeconds')}
              label={FIELD_LABELS.probeIntervalSeconds}
              hint="At least 10 seconds."
            >
              {(control) => (
                <Input
                  {...control}
                  name="probeIntervalSeconds"
                  inputMode="numeric"
                  placeholder="60"
                  value={values.probeIntervalSeconds}
                  onChange={(e) => set('probeIntervalSeconds', e.target.value)}
                  invalid={control.invalid}
                  endAdornment={<Unit>s</Unit>}
                />
              )}
            </Field>
          )}
          {values.probeEnabled && (
            <div className={styles.full}>
              <Field
                {...field('probeMode')}
                label={FIELD_LABELS.probeMode}
                hint={
                  values.probeMode === 'models'
                    ? "The provider's own free check: costs nothing."
                    : 'A real 1-token completion on every check: the provider bills each one.'
                }
              >
                {(control) => (
                  <Select
                    id={control.id}
                    aria-describedby={control['aria-describedby']}
                    invalid={control.invalid}
                    name="probeMode"
                    value={values.probeMode}
                    onChange={(e) => set('probeMode', e.target.value as ProbeMode)}
                  >
                    {PROBE_MODES.map((mode) => (
                      <option key={mode} value={mode}>
                        {PROBE_MODE_LABELS[mode]}
                      </option>
                    ))}
                  </Select>
                )}
              </Field>
            </div>
          )}
        </div>
      </fieldset>
    </form>
  );
}
