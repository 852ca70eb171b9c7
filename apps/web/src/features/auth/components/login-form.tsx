'use client';

import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Button, Field, Input } from '@/components/ui';
import { AlertIcon, EyeIcon, EyeOffIcon } from '@/components/ui/icons';
import { isApiError } from '@/lib/api-client';
import { loginMutationOptions } from '../queries';
import { useSignedIn } from './use-signed-in';
import styles from './login-form.module.css';

const FIELD_ID = 'master-key';

/** Break-glass sign-in with the key the gateway was started with (acts as admin). */
export function MasterKeyForm() {
  const signedIn = useSignedIn();
  const inputRef = useRef<HTMLInputElement>(null);
  const [masterKey, setMasterKey] = useState('');
  const [missingKey, setMissingKey] = useState(false);
  const [revealed, setRevealed] = useState(false);

  const login = useMutation({
    ...loginMutationOptions(),
    onSuccess: () => signedIn(),
  });

  // After a failed attempt, put the operator back in the (re-enabled) field, ready to retype.
  useEffect(() => {
    if (!login.isError) return;
    inputRef.current?.focus();
    inputRef.current?.select();
  }, [login.isError]);

  const serverError = login.error;
  const serverFieldError = isApiError(serverError) ? serverError.fieldError('masterKey') : undefined;
  const fieldError = missingKey ? 'Enter the master key.' : (serverFieldError ?? null);
  const formError = serverError && !serverFieldError ? serverError.message : null;
  const busy = login.isPending || login.isSuccess;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    // Pasted keys often carry a trailing newline; keys never contain whitespace.
    const key = masterKey.trim();
    if (key === '') {
      setMissingKey(true);
      inputRef.current?.focus();
      return;
    }
    login.mutate({ masterKey: key });
  }

  return (
    <form className={styles.form} onSubmit={onSubmit} noValidate aria-busy={busy}>
      {formError ? (
        <div className={styles.alert} role="alert">
          <AlertIcon size={18} />
          <p>{formError}</p>
        </div>
      ) : null}

      {/* Lets password managers file the key under a recognisable name. */}
      <input
        type="text"
        name="username"
        autoComplete="username"
        value="Switchboard master key"
        readOnly
        hidden
        aria-hidden="true"
        tabIndex={-1}
      />

      <Field
        id={FIELD_ID}
        label="Master key"
        hint="The admin key this gateway was started with."
        error={fieldError}
      >
        {(control) => (
          <Input
            ref={inputRef}
            id={control.id}
            aria-describedby={control['aria-describedby']}
            invalid={control.invalid}
            name="masterKey"
            type={revealed ? 'text' : 'password'}
            autoComplete="current-password"
            autoCapitalize="off"
            autoCorrect="off"
            spellCheck={false}
            required
            autoFocus
            disabled={busy}
            value={masterKey}
            onChange={(event) => {
              setMasterKey(event.target.value);
              setMissingKey(false);
              if (login.isError) login.reset();
            }}
            endAdornment={
              <button
                type="button"
                className={styles.reveal}
                onClick={() => setRevealed((value) => !value)}
                aria-label={revealed ? 'Hide master key' : 'Show master key'}
                aria-pressed={revealed}
                aria-controls={FIELD_ID}
              >
                {revealed ? <EyeOffIcon size={16} /> : <EyeIcon size={16} />}
                <span aria-hidden="true">{revealed ? 'Hide' : 'Show'}</span>
              </button>
            }
          />
        )}
      </Field>

      <Button type="submit" variant="primary" fullWidth loading={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </Button>
    </form>
  );
}
