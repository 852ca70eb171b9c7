'use client';

import { createApiTokenSchema } from '@switchboard/contracts';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Button, Field, Input } from '@/components/ui';
import { Dialog } from '@/components/ui/dialog';
import { FormDialog } from '@/components/ui/form-dialog';
import { formatDateTime } from '@/components/ui/format';
import {
  formErrorsFromApi,
  formErrorsFromZod,
  NO_FORM_ERRORS,
  type FormErrors,
} from '@/components/ui/form-errors';
import { OneTimeSecret } from '@/components/ui/one-time-secret';
import { Select } from '@/components/ui/select';
import { toast } from '@/components/ui/toast';
import { useDiscardChanges } from '@/components/ui/unsaved-changes';
import type { CreatedApiToken } from '../api';
import { createTokenMutationOptions } from '../queries';
import styles from './me.module.css';

const LABELS = { name: 'Name', expiresInDays: 'Expires' } as const;
const FORM_ID = 'api-token-form';
const DEFAULT_EXPIRY = '90';
const EXPIRY_CHOICES = [
  { value: '30', label: 'In 30 days' },
  { value: '90', label: 'In 90 days' },
  { value: '365', label: 'In a year' },
  { value: 'never', label: 'Never (not recommended)' },
] as const;

/**
 * Create a personal admin API token, then show it once. Closing with a name typed asks first. Give it a
 * new `key` each time it opens so it starts from a clean form.
 */
export function CreateTokenDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [name, setName] = useState('');
  const [expiry, setExpiry] = useState<string>(DEFAULT_EXPIRY);
  const [errors, setErrors] = useState<FormErrors>(NO_FORM_ERRORS);
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const create = useMutation(createTokenMutationOptions());
  const discard = useDiscardChanges({
    dirty: name !== '' || expiry !== DEFAULT_EXPIRY,
    onClose,
    busy: create.isPending,
    description: 'The token is not created.',
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (create.isPending) return;
    const parsed = createApiTokenSchema.safeParse({
      name,
      expiresInDays: expiry === 'never' ? null : Number(expiry),
    });
    if (!parsed.success) {
      setErrors(formErrorsFromZod(parsed.error, LABELS));
      document.getElementById('api-token-name')?.focus();
      return;
    }
    setErrors(NO_FORM_ERRORS);
    create.mutate(parsed.data, {
      onSuccess: (result) => {
        toast.success('Token created', `Copy “${result.apiToken.name}” now; it is shown only once.`);
        setCreated(result);
      },
      onError: (error) => setErrors(formErrorsFromApi(error, LABELS)),
    });
  }

  if (created) {
    return (
      <Dialog
        open={open}
        onClose={onClose}
        title={`Token “${created.apiToken.name}” created`}
        description="Use it as a bearer token for the admin API: Authorization: Bearer <token>."
        dismissOnBackdrop={false}
        footer={
          <Button variant="primary" onClick={onClose}>
            Done
          </Button>
        }
      >
        <OneTimeSecret
          title="Copy the token now: it is shown only once"
          warning="The gateway keeps only a hash of it. It acts with your role; keep it out of source code and chat. If it gets lost, revoke it and create a new one."
          value={created.token}
          copyLabel="Copy API token"
          meta={
            created.apiToken.expiresAt ? (
              <>
                Expires{' '}
                <time dateTime={created.apiToken.expiresAt}>
                  {formatDateTime(created.apiToken.expiresAt)}
                </time>
                .
              </>
            ) : (
              'Never expires. Revoke it when you no longer need it.'
            )
          }
        />
      </Dialog>
    );
  }

  return (
    <FormDialog
      prompt={discard.prompt}
      open={open}
      onClose={discard.requestClose}
      title="New API token"
      description="A personal token for scripts and CI that call the admin API. It can do what your role can."
      formId={FORM_ID}
      formClassName={styles.form}
      onSubmit={onSubmit}
      pending={create.isPending}
      submitLabel="Create token"
      otherErrors={errors.other}
      errorTitle="The token could not be created"
    >
      <Field
        id="api-token-name"
        label={LABELS.name}
        hint="What uses it, e.g. terraform or nightly-export."
        error={errors.fields.name}
      >
        {(control) => (
          <Input
            {...control}
            value={name}
            onChange={(event) => setName(event.target.value)}
            autoComplete="off"
            maxLength={64}
            required
            data-autofocus
            disabled={create.isPending}
          />
        )}
      </Field>
      <Field id="api-token-expiry" label={LABELS.expiresInDays} error={errors.fields.expiresInDays}>
        {(control) => (
          <Select
            {...control}
            value={expiry}
            onChange={(event) => setExpiry(event.target.value)}
            disabled={create.isPending}
          >
            {EXPIRY_CHOICES.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </Select>
        )}
      </Field>
    </FormDialog>
  );
}
