'use client';

import { firstAdminSchema } from '@switchboard/contracts';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Button, Field, Input } from '@/components/ui';
import {
  formErrorsFromApi,
  formErrorsFromZod,
  hasFormErrors,
  NO_FORM_ERRORS,
  type FormErrors,
} from '@/components/ui/form-errors';
import { InlineAlert } from '@/components/ui/inline-alert';
import { isApiError } from '@/lib/api-client';
import { setupMutationOptions } from '../queries';
import { PasswordInput } from './password-input';
import { useSignedIn } from './use-signed-in';
import styles from './login-form.module.css';

const LABELS = {
  email: 'Email',
  displayName: 'Display name',
  password: 'Password',
  confirm: 'Confirm password',
  masterKey: 'Master key',
} as const;
const ORDER = ['email', 'displayName', 'password', 'confirm', 'masterKey'] as const;
const ID_PREFIX = 'setup';

/**
 * Only while no account exists: the first admin, proven with the master key. Signs the new admin in.
 * `onAlreadySetUp` runs when someone else was quicker (409), so the page can offer sign-in instead.
 */
export function FirstAdminForm({ onAlreadySetUp }: { onAlreadySetUp: () => void }) {
  const signedIn = useSignedIn();
  const [values, setValues] = useState({
    email: '',
    displayName: '',
    password: '',
    confirm: '',
    masterKey: '',
  });
  const [errors, setErrors] = useState<FormErrors>(NO_FORM_ERRORS);
  const setup = useMutation({ ...setupMutationOptions(), onSuccess: () => signedIn() });
  const busy = setup.isPending || setup.isSuccess;

  function set(field: keyof typeof values, value: string) {
    setValues((current) => ({ ...current, [field]: value }));
    if (errors.fields[field]) {
      setErrors((current) => ({ ...current, fields: { ...current.fields, [field]: undefined } }));
    }
  }

  function show(next: FormErrors) {
    setErrors(next);
    const first = ORDER.find((field) => next.fields[field]);
    if (first) document.getElementById(`${ID_PREFIX}-${first}`)?.focus();
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const parsed = firstAdminSchema.safeParse({
      email: values.email,
      displayName: values.displayName,
      password: values.password,
      masterKey: values.masterKey.trim(),
    });
    const next = parsed.success ? { fields: {}, other: [] } : formErrorsFromZod(parsed.error, LABELS);
    if (values.confirm !== values.password && !next.fields.password) {
      next.fields.confirm = 'The passwords do not match.';
    }
    if (!parsed.success || hasFormErrors(next)) return show(next);
    setErrors(NO_FORM_ERRORS);
    setup.mutate(parsed.data, {
      onError: (error) => {
        if (isApiError(error) && error.status === 409) {
          onAlreadySetUp();
          return;
        }
        show(formErrorsFromApi(error, LABELS));
      },
    });
  }

  return (
    <form className={styles.form} onSubmit={onSubmit} noValidate aria-busy={busy}>
      {errors.other.length > 0 ? (
        <InlineAlert tone="danger" title="The admin account could not be created">
          {errors.other.join(' ')}
        </InlineAlert>
      ) : null}

      <Field id={`${ID_PREFIX}-email`} label={LABELS.email} error={errors.fields.email}>
        {(control) => (
          <Input
            id={control.id}
            aria-describedby={control['aria-describedby']}
            invalid={control.invalid}
            name="email"
            type="email"
            autoComplete="username"
            autoCapitalize="off"
            spellCheck={false}
            required
            autoFocus
            disabled={busy}
            value={values.email}
            onChange={(event) => set('email', event.target.value)}
          />
        )}
      </Field>

      <Field id={`${ID_PREFIX}-displayName`} label={LABELS.displayName} error={errors.fields.displayName}>
        {(control) => (
          <Input
            id={control.id}
            aria-describedby={control['aria-describedby']}
            invalid={control.invalid}
            name="displayName"
            autoComplete="name"
            maxLength={128}
            required
            disabled={busy}
            value={values.displayName}
            onChange={(event) => set('displayName', event.target.value)}
          />
        )}
      </Field>

      <Field
        id={`${ID_PREFIX}-password`}
        label={LABELS.password}
        hint="At least 12 characters. A passphrase of a few words works well."
        error={errors.fields.password}
      >
        {(control) => (
          <PasswordInput
            control={control}
            label="password"
            name="password"
            autoComplete="new-password"
            disabled={busy}
            value={values.password}
            onChange={(value) => set('password', value)}
          />
        )}
      </Field>

      <Field id={`${ID_PREFIX}-confirm`} label={LABELS.confirm} error={errors.fields.confirm}>
        {(control) => (
          <PasswordInput
            control={control}
            label="confirmed password"
            name="confirm"
            autoComplete="new-password"
            disabled={busy}
            value={values.confirm}
            onChange={(value) => set('confirm', value)}
          />
        )}
      </Field>

      <Field
        id={`${ID_PREFIX}-masterKey`}
        label={LABELS.masterKey}
        hint="The admin key this gateway was started with; it proves you may create the first admin."
        error={errors.fields.masterKey}
      >
        {(control) => (
          <PasswordInput
            control={control}
            label="master key"
            name="masterKey"
            autoComplete="current-password"
            disabled={busy}
            value={values.masterKey}
            onChange={(value) => set('masterKey', value)}
          />
        )}
      </Field>

      <Button type="submit" variant="primary" fullWidth loading={busy}>
        {busy ? 'Creating the admin…' : 'Create admin and sign in'}
      </Button>
    </form>
  );
}
