import type { ReactNode } from 'react';
import { AlertIcon } from './icons';
import styles from './inline-alert.module.css';

export type InlineAlertTone = 'info' | 'success' | 'warn' | 'danger';

interface InlineAlertProps {
  tone?: InlineAlertTone;
  title?: ReactNode;
  children?: ReactNode;
  /** Extra controls on the right (e.g. a link or "Dismiss"). */
  actions?: ReactNode;
}

/**
 * A message inside the page or a form. Problems (`danger`, `warn`) are announced at once;
 * the others politely.
 */
export function InlineAlert({ tone = 'info', title, children, actions }: InlineAlertProps) {
  const urgent = tone === 'danger' || tone === 'warn';
  return (
    <div className={`${styles.alert} ${styles[tone]}`} role={urgent ? 'alert' : 'status'}>
      <AlertIcon size={18} className={styles.icon} />
      <div className={styles.text}>
        {title ? <p className={styles.title}>{title}</p> : null}
        {children ? <div className={styles.body}>{children}</div> : null}
      </div>
      {actions ? <div className={styles.actions}>{actions}</div> : null}
    </div>
  );
}
