'use client';

import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Button, Field, Input } from '@/components/ui';
import { AlertIcon } from '@/components/ui/icons';
import { isApiError } from '@/lib/api-client';
import { loginMutationOptions } from '../queries';
import { PasswordInput } from './password-input';
import { useSignedIn } from './use-signed-in';
import styles from './login-form.module.css';

/** The everyday sign-in: an account's email and password. */
export function PasswordLoginForm() {
  const signedIn = useSignedIn();
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState<{ email?: string; password?: string }>({});

  const login = useMutation({ ...loginMutationOptions(), onSuccess: () => signedIn() });

  // After a failed attempt, put the operator back in the password field, ready to retype.
  useEffect(() => {
    if (!login.isError) return;
    passwordRef.current?.focus();
    passwordRef.current?.select();
  }, [login.isError]);

  const serverError = isApiError(login.error) ? login.error : null;
  const emailError = missing.email ?? serverError?.fieldError('email') ?? null;
  const passwordError = missing.password ?? serverError?.fieldError('password') ?? null;
  const formError =
    login.error && !serverError?.fieldError('email') && !serverError?.fieldError('password')
      ? login.error.message
      : null;
  const busy = login.isPending || login.isSuccess;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const trimmedEmail = email.trim();
    const next = {
      email: trimmedEmail === '' ? 'Enter your email address.' : undefined,
      password: password === '' ? 'Enter your password.' : undefined,
    };
    if (next.email || next.password) {
      setMissing(next);
      (next.email ? emailRef : passwordRef).current?.focus();
      return;
    }
    login.mutate({ email: trimmedEmail, password });
  }

  function edited() {
    setMissing({});
    if (login.isError) login.reset();
  }

  return (
    <form className={styles.form} onSubmit={onSubmit} noValidate aria-busy={busy}>
      {formError ? (
        <div className={styles.alert} role="alert">
          <AlertIcon size={18} />
          <p>{formError}</p>
        </div>
      ) : null}

      <Field id="login-email" label="Email" error={emailError}>
        {(control) => (
          <Input
            ref={emailRef}
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
            value={email}
            onChange={(event) => {
              setEmail(event.target.value);
              edited();
            }}
          />
        )}
      </Field>

      <Field id="login-password" label="Password" error={passwordError}>
        {(control) => (
          <PasswordInput
            ref={passwordRef}
            control={control}
            label="password"
            name="password"
            autoComplete="current-password"
            disabled={busy}
            value={password}
            onChange={(value) => {
              setPassword(value);
              edited();
            }}
          />
        )}
      </Field>

      <Button type="submit" variant="primary" fullWidth loading={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </Button>
    </form>
  );
}
