'use client';

import { useState, type Ref } from 'react';
import { Input } from '@/components/ui';
import { EyeIcon, EyeOffIcon } from '@/components/ui/icons';
import type { FieldControlProps } from '@/components/ui/field';
import styles from './login-form.module.css';

interface PasswordInputProps {
  control: FieldControlProps;
  /** Names the show/hide button: "Show password". */
  label: string;
  value: string;
  onChange: (value: string) => void;
  name: string;
  autoComplete: 'current-password' | 'new-password';
  disabled?: boolean;
  autoFocus?: boolean;
  ref?: Ref<HTMLInputElement>;
}

/** A password field with a show/hide toggle, wired to a `Field`. */
export function PasswordInput({
  control,
  label,
  value,
  onChange,
  name,
  autoComplete,
  disabled,
  autoFocus,
  ref,
}: PasswordInputProps) {
  const [revealed, setRevealed] = useState(false);
  return (
    <Input
      ref={ref}
      id={control.id}
      aria-describedby={control['aria-describedby']}
      invalid={control.invalid}
      name={name}
      type={revealed ? 'text' : 'password'}
      autoComplete={autoComplete}
      autoCapitalize="off"
      autoCorrect="off"
      spellCheck={false}
      required
      autoFocus={autoFocus}
      disabled={disabled}
      value={value}
      onChange={(event) => onChange(event.target.value)}
      endAdornment={
        <button
          type="button"
          className={styles.reveal}
          onClick={() => setRevealed((current) => !current)}
          aria-label={revealed ? `Hide ${label}` : `Show ${label}`}
          aria-pressed={revealed}
          aria-controls={control.id}
        >
          {revealed ? <EyeOffIcon size={16} /> : <EyeIcon size={16} />}
          <span aria-hidden="true">{revealed ? 'Hide' : 'Show'}</span>
        </button>
      }
    />
  );
}
