'use client';

import { passwordSchema } from '@switchboard/contracts';
import { useMutation } from '@tanstack/react-query';
import type { Route } from 'next';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { Button, Field } from '@/components/ui';
import { formErrorsFromApi, NO_FORM_ERRORS, type FormErrors } from '@/components/ui/form-errors';
import { InlineAlert } from '@/components/ui/inline-alert';
import { setPasswordMutationOptions } from '../queries';
import { PasswordInput } from './password-input';
import styles from './login-form.module.css';

const LABELS = { password: 'New password', confirm: 'Confirm password' } as const;

export function SetPasswordForm({ token }: { token: string }) {
  const router = useRouter();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<FormErrors>(NO_FORM_ERRORS);
  const submit = useMutation({
    ...setPasswordMutationOptions(),
    onSuccess: () => router.replace('/login?notice=password-set' as Route),
  });
  const busy = submit.isPending || submit.isSuccess;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const fields: FormErrors['fields'] = {};
    const parsed = passwordSchema.safeParse(password);
    if (password === '') fields.password = 'Enter a new password.';
    else if (!parsed.success) fields.password = 'The password must be at least 12 characters.';
    if (!fields.password && confirm !== password) fields.confirm = 'The passwords do not match.';
    if (fields.password || fields.confirm) {
      setErrors({ fields, other: [] });
      document.getElementById(fields.password ? 'set-password' : 'set-password-confirm')?.focus();
      return;
    }
    setErrors(NO_FORM_ERRORS);
    submit.mutate(
      { token, password },
      { onError: (error) => setErrors(formErrorsFromApi(error, { password: LABELS.password })) },
    );
  }

  return (
    <form className={styles.form} onSubmit={onSubmit} noValidate aria-busy={busy}>
      {errors.other.length > 0 ? (
        <InlineAlert tone="danger" title="The password could not be set">
          {errors.other.join(' ')}
        </InlineAlert>
      ) : null}

      <Field
        id="set-password"
        label={LABELS.password}
        hint="At least 12 characters. A passphrase of a few words works well."
        error={errors.fields.password}
      >
        {(control) => (
          <PasswordInput
            control={control}
            label="new password"
            name="password"
            autoComplete="new-password"
            autoFocus
            disabled={busy}
            value={password}
            onChange={(value) => {
              setPassword(value);
              if (submit.isError) submit.reset();
            }}
          />
        )}
      </Field>

      <Field id="set-password-confirm" label={LABELS.confirm} error={errors.fields.confirm}>
        {(control) => (
          <PasswordInput
            control={control}
            label="confirmed password"
            name="confirm"
            autoComplete="new-password"
            disabled={busy}
            value={confirm}
            onChange={setConfirm}
          />
        )}
      </Field>

      <Button type="submit" variant="primary" fullWidth loading={busy}>
        {busy ? 'Saving…' : 'Set password'}
      </Button>
      <p className={styles.footnote}>
        Already have a password? <Link href="/login">Sign in</Link>
      </p>
    </form>
  );
}
