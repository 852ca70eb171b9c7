'use client';

import { ALERT_CHANNEL_KINDS, type AlertChannel, type AlertChannelKind } from '@switchboard/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Field, Input } from '@/components/ui';
import { FormDialog } from '@/components/ui/form-dialog';
import { formErrorsFromApi } from '@/components/ui/form-errors';
import { Select } from '@/components/ui/select';
import { Switch } from '@/components/ui/switch';
import { toast } from '@/components/ui/toast';
import { useFormErrors } from '@/components/ui/use-form-errors';
import { useDiscardChanges } from '@/components/ui/unsaved-changes';
import { CHANNEL_KIND_TEXT, CHANNEL_LABELS, channelFormValues, parseChannelForm } from '../alert-forms';
import { saveChannelMutationOptions } from '../queries';
import styles from './alerts.module.css';

const FORM_ID = 'alert-channel-form';
const ORDER = ['name', 'kind', 'url'] as const;

/** Adds a channel, or edits one (its URL stays unless a new one is typed). */
export function ChannelFormDialog({
  channel,
  onClose,
}: {
  channel: AlertChannel | null;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const save = useMutation(saveChannelMutationOptions(queryClient));
  const [initial] = useState(() => channelFormValues(channel));
  const [values, setValues] = useState(initial);
  const { errors, showErrors, clearErrors } = useFormErrors(ORDER, (field) => `channel-${field}`);
  const set = <K extends keyof typeof values>(key: K, value: (typeof values)[K]) =>
    setValues((v) => ({ ...v, [key]: value }));
  const dirty = (Object.keys(values) as (keyof typeof values)[]).some((k) => values[k] !== initial[k]);
  const discard = useDiscardChanges({
    dirty,
    onClose,
    busy: save.isPending,
    description: channel
      ? `What you changed in “${channel.name}” is not saved.`
      : 'The channel is not added.',
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (save.isPending) return;
    const parsed = parseChannelForm(values, channel);
    if (!parsed.ok) return showErrors(parsed.errors);
    if (channel && Object.keys(parsed.body).length === 0) return onClose();
    clearErrors();
    save.mutate(
      { id: channel?.id ?? null, body: parsed.body },
      {
        onSuccess: (saved) => {
          toast.success(
            channel ? `Channel ${saved.name} saved` : `Channel ${saved.name} added`,
            'Use “Send test” to check it.',
          );
          onClose();
        },
        onError: (error) => showErrors(formErrorsFromApi(error, CHANNEL_LABELS)),
      },
    );
  }

  return (
    <FormDialog
      prompt={discard.prompt}
      open
      onClose={discard.requestClose}
      title={channel ? `Edit channel ${channel.name}` : 'Add an alert channel'}
      description="Alerts are POSTed to this URL as JSON (5 s limit, redirects not followed)."
      formId={FORM_ID}
      formClassName={styles.form}
      onSubmit={onSubmit}
      pending={save.isPending}
      submitLabel={channel ? 'Save channel' : 'Add channel'}
      otherErrors={errors.other}
      errorTitle="The channel could not be saved"
    >
      <Field id="channel-name" label={CHANNEL_LABELS.name} hint="e.g. ops-slack" error={errors.fields.name}>
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
      <Field
        id="channel-kind"
        label={CHANNEL_LABELS.kind}
        hint={
          values.kind === 'slack'
            ? 'Receives {"text": "[Switchboard] FIRING …"}: Slack, Mattermost, Rocket.Chat and other compatible hooks.'
            : 'Receives {"event": "switchboard.alert", "state", "rule", "subject", "value", "threshold", "message", "at"}.'
        }
        error={errors.fields.kind}
      >
        {(control) => (
          <Select
            {...control}
            value={values.kind}
            onChange={(e) => set('kind', e.target.value as AlertChannelKind)}
          >
            {ALERT_CHANNEL_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {CHANNEL_KIND_TEXT[kind]}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field
        id="channel-url"
        label={CHANNEL_LABELS.url}
        hint={
          channel
            ? `Stored: ${channel.urlHint}. Leave empty to keep it; type a new URL to replace it.`
            : 'http:// or https://. Stored encrypted and never shown again (it usually carries a secret).'
        }
        error={errors.fields.url}
      >
        {(control) => (
          <Input
            {...control}
            type="url"
            value={values.url}
            onChange={(e) => set('url', e.target.value)}
            placeholder={channel ? channel.urlHint : 'https://hooks.slack.com/services/…'}
            autoComplete="off"
            spellCheck={false}
            maxLength={2048}
          />
        )}
      </Field>
      <label className={styles.toggle} htmlFor="channel-enabled">
        <Switch
          id="channel-enabled"
          checked={values.enabled}
          onCheckedChange={(checked) => set('enabled', checked)}
        />
        Enabled: rules send to it
      </label>
    </FormDialog>
  );
}
