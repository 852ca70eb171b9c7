'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { PROBE_MODES, PROVIDERS, type Deployment } from '@switchboard/contracts';
import { useEffect, useId, useMemo, useRef, type ReactNode } from 'react';
import { Controller, useForm, useWatch } from 'react-hook-form';
import { Field, Input } from '@/components/ui';
import { formErrorsFromApi } from '@/components/ui/form-errors';
import { InlineAlert } from '@/components/ui/inline-alert';
import { Select } from '@/components/ui/select';
import { Switch } from '@/components/ui/switch';
import {
  CAPABILITIES,
  CAPABILITY_LABELS,
  deploymentFormSchema,
  FIELD_LABELS,
  FIELD_ORDER,
  initialFormValues,
  joinOtherMessages,
  PROBE_MODE_LABELS,
  PROVIDER_LABELS,
  PROVIDER_SPECS,
  splitOtherMessages,
  type DeploymentField,
  type DeploymentFormSubmit,
  type DeploymentFormValues,
} from '../deployment-form';
import styles from './deployment-form.module.css';

export type { DeploymentFormSubmit } from '../deployment-form';

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
  /** Told whenever the values start or stop differing from what the form opened with. */
  onDirtyChange?: (dirty: boolean) => void;
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
  onDirtyChange,
}: DeploymentFormProps) {
  const uid = useId();
  const editing = deployment !== undefined;
  const resolver = useMemo(() => zodResolver(deploymentFormSchema(deployment)), [deployment]);
  const {
    control,
    register,
    handleSubmit,
    setError,
    setFocus,
    formState: { errors, isDirty, submitCount },
  } = useForm<DeploymentFormValues, unknown, DeploymentFormSubmit>({
    defaultValues: initialFormValues(deployment, defaultModelGroup),
    resolver,
    // Focus follows the fields' order on screen (below), not the order they were registered in.
    shouldFocusError: false,
  });
  const [provider, modelGroup, clearApiKey, capabilities, enabled, probeEnabled, probeMode] = useWatch({
    control,
    name: ['provider', 'modelGroup', 'clearApiKey', 'capabilities', 'enabled', 'probeEnabled', 'probeMode'],
  });
  const spec = PROVIDER_SPECS[provider];
  const idOf = (field: DeploymentField) => `${uid}-${field}`;
  const otherMessages = splitOtherMessages(errors.root?.message);
  const alertRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    onDirtyChange?.(isDirty);
  }, [isDirty, onDirtyChange]);

  // Set by a failed submit; acted on once the form is rendered with its errors and enabled again
  // (an input inside a disabled fieldset cannot take focus).
  const focusPending = useRef(false);
  useEffect(() => {
    if (!focusPending.current || disabled) return;
    focusPending.current = false;
    const first = FIELD_ORDER.find((name) => errors[name] !== undefined);
    if (first) setFocus(first);
    else alertRef.current?.focus();
  }, [disabled, errors, submitCount, setFocus]);

  const submit = handleSubmit(
    async (submission) => {
      if (disabled) return;
      try {
        await onSubmit(submission);
      } catch (error) {
        const mapped = formErrorsFromApi(error, FIELD_LABELS);
        for (const name of FIELD_ORDER) {
          const message = mapped.fields[name];
          if (message !== undefined) setError(name, { type: 'server', message });
        }
        if (mapped.other.length > 0) {
          setError('root', { type: 'server', message: joinOtherMessages(mapped.other) });
        }
        focusPending.current = true;
      }
    },
    () => {
      focusPending.current = true;
    },
  );

  const field = (name: DeploymentField) => ({ id: idOf(name), error: errors[name]?.message ?? null });
  const newGroup =
    modelGroup.trim() !== '' && !groupNames.includes(modelGroup.trim()) && groupNames.length > 0;
  const datalistId = `${uid}-groups`;

  return (
    <form id={formId} className={styles.form} onSubmit={submit} noValidate aria-busy={disabled}>
      {otherMessages.length > 0 ? (
        // Focusable, so a refused save that is no field's fault puts the cursor on the reason.
        <div ref={alertRef} tabIndex={-1} className={styles.alertFocus}>
          <InlineAlert tone="danger" title="The deployment was not saved">
            {otherMessages.length === 1 ? (
              otherMessages[0]
            ) : (
              <ul className={styles.issueList}>
                {otherMessages.map((message) => (
                  <li key={message}>{message}</li>
                ))}
              </ul>
            )}
          </InlineAlert>
        </div>
      ) : null}

      <fieldset className={styles.section} disabled={disabled}>
        <legend className={styles.legend}>Identity</legend>
        <div className={styles.grid}>
          <Field {...field('name')} label={FIELD_LABELS.name} hint="Unique. Letters, digits and . _ : / @ -">
            {(control) => (
              <Input
                {...control}
                {...register('name')}
                autoComplete="off"
                spellCheck={false}
                placeholder="openai-gpt-4o-mini-eu"
                invalid={control.invalid}
              />
            )}
          </Field>
          <Field
            {...field('modelGroup')}
            label={FIELD_LABELS.modelGroup}
            hint={
              newGroup
                ? `No group is named “${modelGroup.trim()}” yet: saving creates it.`
                : 'The model name clients ask for. Pick a group or type a new name.'
            }
          >
            {(control) => (
              <>
                <Input
                  {...control}
                  {...register('modelGroup')}
                  list={datalistId}
                  autoComplete="off"
                  spellCheck={false}
                  placeholder="gpt-4o-mini"
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
                // The API base and version rules depend on the provider: re-check them with it.
                {...register('provider', { deps: ['apiBase', 'apiVersion'] })}
              >
                {PROVIDERS.map((kind) => (
                  <option key={kind} value={kind}>
                    {PROVIDER_LABELS[kind]}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field {...field('model')} label={FIELD_LABELS.model} hint={spec.model.hint}>
            {(control) => (
              <Input
                {...control}
                {...register('model')}
                autoComplete="off"
                spellCheck={false}
                placeholder={spec.model.placeholder}
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
                {...register('apiBase')}
                type="url"
                inputMode="url"
                autoComplete="off"
                spellCheck={false}
                placeholder={spec.apiBase.placeholder}
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
                  {...register('apiVersion')}
                  autoComplete="off"
                  spellCheck={false}
                  placeholder={spec.apiVersion?.placeholder}
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
                  {...register('apiKey')}
                  type="password"
                  autoComplete="new-password"
                  spellCheck={false}
                  placeholder={
                    editing && deployment.apiKeyHint ? 'Leave empty to keep the current key' : 'sk-…'
                  }
                  disabled={clearApiKey}
                  invalid={control.invalid}
                />
              )}
            </Field>
            {editing && deployment.apiKeyHint ? (
              <label className={styles.checkbox}>
                <input type="checkbox" {...register('clearApiKey', { deps: ['apiKey'] })} />
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
                {...register('weight')}
                inputMode="numeric"
                placeholder="1"
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
              <Input {...control} {...register('priority')} inputMode="numeric" invalid={control.invalid} />
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
                {...register('rpmLimit')}
                inputMode="numeric"
                placeholder="No limit"
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
                {...register('tpmLimit')}
                inputMode="numeric"
                placeholder="No limit"
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
                {...register('timeoutMs')}
                inputMode="numeric"
                placeholder="Group default"
                invalid={control.invalid}
                endAdornment={<Unit>ms</Unit>}
              />
            )}
          </Field>
          <Field {...field('tags')} label={FIELD_LABELS.tags} hint="Comma-separated, e.g. eu, batch.">
            {(control) => (
              <Input {...control} {...register('tags')} autoComplete="off" invalid={control.invalid} />
            )}
          </Field>
        </div>
        <fieldset className={styles.capabilities} aria-describedby={`${idOf('capabilities')}-hint`}>
          <legend className={styles.switchLabel}>{FIELD_LABELS.capabilities}</legend>
          <p id={`${idOf('capabilities')}-hint`} className={styles.switchHint}>
            {capabilities.length === 0
              ? 'Nothing ticked: everything the provider can do. Tick what this upstream really serves, so requests for the rest go elsewhere.'
              : 'Requests for anything else go to the other deployments of the group.'}
          </p>
          <Controller
            control={control}
            name="capabilities"
            render={({ field: { value, onChange, onBlur, ref, name } }) => (
              <div className={styles.capabilityList}>
                {CAPABILITIES.map((c, index) => (
                  <label key={c} className={styles.capability}>
                    <input
                      // The first box takes the focus when the list needs fixing.
                      ref={index === 0 ? ref : undefined}
                      type="checkbox"
                      name={name}
                      value={c}
                      checked={value.includes(c)}
                      onBlur={onBlur}
                      onChange={(e) =>
                        onChange(e.target.checked ? [...value, c] : value.filter((x) => x !== c))
                      }
                    />
                    {CAPABILITY_LABELS[c]}
                  </label>
                ))}
              </div>
            )}
          />
        </fieldset>
        <div className={styles.switchRow}>
          <Controller
            control={control}
            name="enabled"
            render={({ field: { value, onChange, onBlur, ref } }) => (
              <Switch
                ref={ref}
                id={idOf('enabled')}
                checked={value}
                onCheckedChange={onChange}
                onBlur={onBlur}
                aria-describedby={`${idOf('enabled')}-hint`}
              />
            )}
          />
          <div>
            <label htmlFor={idOf('enabled')} className={styles.switchLabel}>
              {FIELD_LABELS.enabled}
            </label>
            <p id={`${idOf('enabled')}-hint`} className={styles.switchHint}>
              {enabled
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
              probeEnabled
                ? 'Probed in the background, without traffic; the result shows on the Deployments page.'
                : 'Off: no background checks. Benched after failures, it is still checked every 5 s with the free GET /models.'
            }
          >
            {(ids) => (
              <Controller
                control={control}
                name="probeEnabled"
                render={({ field: { value, onChange, onBlur, ref, name } }) => (
                  <Select
                    ref={ref}
                    id={ids.id}
                    aria-describedby={ids['aria-describedby']}
                    invalid={ids.invalid}
                    name={name}
                    value={value ? 'on' : 'off'}
                    onBlur={onBlur}
                    onChange={(e) => onChange(e.target.value === 'on')}
                  >
                    <option value="off">Off</option>
                    <option value="on">Every N seconds</option>
                  </Select>
                )}
              />
            )}
          </Field>
          {probeEnabled && (
            <Field
              {...field('probeIntervalSeconds')}
              label={FIELD_LABELS.probeIntervalSeconds}
              hint="At least 10 seconds."
            >
              {(control) => (
                <Input
                  {...control}
                  {...register('probeIntervalSeconds')}
                  inputMode="numeric"
                  placeholder="60"
                  invalid={control.invalid}
                  endAdornment={<Unit>s</Unit>}
                />
              )}
            </Field>
          )}
          {probeEnabled && (
            <div className={styles.full}>
              <Field
                {...field('probeMode')}
                label={FIELD_LABELS.probeMode}
                hint={
                  probeMode === 'models'
                    ? "The provider's own free check: costs nothing."
                    : 'A real 1-token completion on every check: the provider bills each one.'
                }
              >
                {(control) => (
                  <Select
                    id={control.id}
                    aria-describedby={control['aria-describedby']}
                    invalid={control.invalid}
                    {...register('probeMode')}
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
