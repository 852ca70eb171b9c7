import type { Ref, SelectHTMLAttributes } from 'react';
import styles from './select.module.css';

interface SelectProps extends SelectHTMLAttributes<HTMLSelectElement> {
  invalid?: boolean;
  compact?: boolean;
  ref?: Ref<HTMLSelectElement>;
}

/** A native select styled like `Input`: keyboard, screen readers and mobile pickers for free. */
export function Select({ invalid = false, compact = false, className, ...rest }: SelectProps) {
  return (
    <select
      {...rest}
      aria-invalid={invalid || undefined}
      className={[styles.select, compact ? styles.compact : '', className].filter(Boolean).join(' ')}
    />
  );
}
