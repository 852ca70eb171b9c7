import type { ReactNode } from 'react';
import { CopyButton } from './copy-button';
import { InlineAlert } from './inline-alert';
import styles from './one-time-secret.module.css';

interface OneTimeSecretProps {
  /** The warning's title, e.g. "Copy the token now: it is shown only once". */
  title: string;
  /** Why it matters and what to do with it. */
  warning: ReactNode;
  value: string;
  /** Names the copy button: "Copy API token". */
  copyLabel: string;
  /** Below the value: expiry, single use. */
  meta?: ReactNode;
}

/** A secret (token, set-password link) shown once: a warning, the value with a copy button, a note. */
export function OneTimeSecret({ title, warning, value, copyLabel, meta }: OneTimeSecretProps) {
  return (
    <div className={styles.secret}>
      <InlineAlert tone="warn" title={title}>
        {warning}
      </InlineAlert>
      <div className={styles.row}>
        <code className={styles.value}>{value}</code>
        <CopyButton value={value} label={copyLabel} autoFocus />
      </div>
      {meta ? <p className={styles.meta}>{meta}</p> : null}
    </div>
  );
}
