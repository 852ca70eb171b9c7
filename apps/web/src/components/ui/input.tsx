import type { InputHTMLAttributes, ReactNode, Ref } from 'react';
import styles from './input.module.css';

interface InputProps extends InputHTMLAttributes<HTMLInputElement> {
  invalid?: boolean;
  /** Rendered inside the field's right edge, e.g. a show/hide toggle. */
  endAdornment?: ReactNode;
  ref?: Ref<HTMLInputElement>;
}

export function Input({ invalid = false, endAdornment, className, ...rest }: InputProps) {
  const input = (
    <input
      {...rest}
      aria-invalid={invalid || undefined}
      className={[styles.input, endAdornment ? styles.withAdornment : '', className]
        .filter(Boolean)
        .join(' ')}
    />
  );
  if (!endAdornment) return input;
  return (
    <div className={styles.group}>
      {input}
      <div className={styles.adornment}>{endAdornment}</div>
    </div>
  );
}
