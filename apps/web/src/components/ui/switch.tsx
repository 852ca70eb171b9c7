import type { ButtonHTMLAttributes, Ref } from 'react';
import styles from './switch.module.css';

interface SwitchProps extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'onChange' | 'role'> {
  checked: boolean;
  onCheckedChange: (checked: boolean) => void;
  /** Shows the switch as working (a request is in flight) without changing its state yet. */
  pending?: boolean;
  ref?: Ref<HTMLButtonElement>;
}

/**
 * An on/off switch (`role="switch"`). Name it with `aria-label` or a `<label htmlFor>`;
 * Space and Enter toggle it like any button.
 */
export function Switch({
  checked,
  onCheckedChange,
  pending = false,
  className,
  disabled,
  ...rest
}: SwitchProps) {
  return (
    <button
      {...rest}
      type="button"
      role="switch"
      aria-checked={checked}
      aria-busy={pending || undefined}
      disabled={disabled || pending}
      className={[styles.switch, className].filter(Boolean).join(' ')}
      onClick={() => onCheckedChange(!checked)}
    >
      <span className={styles.thumb} aria-hidden="true" />
    </button>
  );
}
