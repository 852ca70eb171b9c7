'use client';

import { changePasswordSchema } from '@switchboard/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { Button, Card, CardHeader, Field } from '@/components/ui';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import {
  formErrorsFromApi,
  formErrorsFromZod,
  NO_FORM_ERRORS,
  type FormErrors,
} from '@/components/ui/form-errors';
import { InlineAlert } from '@/components/ui/inline-alert';
import { toast } from '@/components/ui/toast';
import { PasswordInput } from '@/features/auth/components/password-input';
import { isApiError } from '@/lib/api-client';
import { LOGIN_PATH } from '@/lib/auth-redirect';
import { changePasswordMutationOptions, signOutEverywhereMutationOptions } from '../queries';
import styles from './me.module.css';

const LABELS = {
  currentPassword: 'Current password',
  newPassword: 'New password',
  confirm: 'Confirm new password',
} as const;
const FORM_ID = 'change-password-form';

/** My account: change the password (accounts that have one) and sign out everywhere. */
export function PasswordAndSessions({ hasPassword }: { hasPassword: boolean }) {
  return (
    <Card>
      <CardHeader
        title="Password and sessions"
        description="Changing the password signs you out on every other device; signing out everywhere includes this one."
      />
      <div className={styles.form}>
        {hasPassword ? (
          <ChangePasswordForm />
        ) : (
          <p className={styles.note}>
            You sign in with single sign-on and have no password here. An administrator can send you a
            set-password link.
          </p>
        )}
        <SignOutEverywhere />
      </div>
    </Card>
  );
}

function ChangePasswordForm() {
  const [values, setValues] = useState({ currentPassword: '', newPassword: '', confirm: '' });
  const [errors, setErrors] = useState<FormErrors>(NO_FORM_ERRORS);
  const change = useMutation(changePasswordMutationOptions());
  const set = (field: keyof typeof values) => (value: string) => setValues((v) => ({ ...v, [field]: value }));

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (change.isPending) return;
    const parsed = changePasswordSchema.safeParse({
      currentPassword: values.currentPassword,
      newPassword: values.newPassword,
    });
    const next = parsed.success ? { ...NO_FORM_ERRORS, fields: {} } : formErrorsFromZod(parsed.error, LABELS);
    if (values.confirm !== values.newPassword) next.fields.confirm ??= 'The two new passwords differ.';
    if (!parsed.success || next.fields.confirm) {
      setErrors(next);
      return;
    }
    setErrors(NO_FORM_ERRORS);
    change.mutate(parsed.data, {
      onSuccess: () => {
        setValues({ currentPassword: '', newPassword: '', confirm: '' });
        toast.success('Password changed', 'Your other sessions have been signed out.');
      },
      onError: (error) => setErrors(formErrorsFromApi(error, LABELS)),
    });
  }

  return (
    <form id={FORM_ID} className={styles.form} onSubmit={onSubmit} noValidate aria-busy={change.isPending}>
      {errors.other.length > 0 ? (
        <InlineAlert tone="danger" title="The password was not changed">
          {errors.other.join(' ')}
        </InlineAlert>
      ) : null}
      {(['currentPassword', 'newPassword', 'confirm'] as const).map((field) => (
        <Field
          key={field}
          id={`me-${field}`}
          label={LABELS[field]}
          hint={field === 'newPassword' ? 'At least 12 characters; a long passphrase is best.' : undefined}
          error={errors.fields[field]}
        >
          {(control) => (
            <PasswordInput
              control={control}
              label={LABELS[field].toLowerCase()}
              name={field}
              autoComplete={field === 'currentPassword' ? 'current-password' : 'new-password'}
              value={values[field]}
              onChange={set(field)}
              disabled={change.isPending}
            />
          )}
        </Field>
      ))}
      <div>
        <Button type="submit" variant="primary" loading={change.isPending}>
          Change password
        </Button>
      </div>
    </form>
  );
}

function SignOutEverywhere() {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const signOut = useMutation({
    ...signOutEverywhereMutationOptions(),
    onSuccess: () => {
      // Nothing from this session may survive in memory for the next operator.
      queryClient.clear();
      router.replace(LOGIN_PATH);
    },
  });
  return (
    <>
      <div>
        <Button variant="secondary" onClick={() => setConfirming(true)}>
          Sign out everywhere
        </Button>
      </div>
      <ConfirmDialog
        open={confirming}
        onCancel={() => setConfirming(false)}
        onConfirm={() => signOut.mutate()}
        title="Sign out everywhere?"
        description="Every console session of your account ends, on every device, this one included. Personal API tokens keep working; revoke them below if they may be exposed."
        confirmLabel="Sign out everywhere"
        pending={signOut.isPending}
        error={signOut.error && isApiError(signOut.error) ? signOut.error.message : null}
      />
    </>
  );
}
