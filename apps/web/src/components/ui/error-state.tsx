import type { ReactNode } from 'react';
import { Button } from './button';
import { AlertIcon } from './icons';
import styles from './error-state.module.css';

interface ErrorStateProps {
  title?: ReactNode;
  message: ReactNode;
  onRetry?: () => void;
  retrying?: boolean;
  /** Extra actions next to "Try again". */
  actions?: ReactNode;
}

export function ErrorState({
  title = 'Something went wrong',
  message,
  onRetry,
  retrying = false,
  actions,
}: ErrorStateProps) {
  return (
    <div className={styles.errorState} role="alert">
      <div className={styles.icon} aria-hidden="true">
        <AlertIcon />
      </div>
      <h2 className={styles.title}>{title}</h2>
      <p className={styles.message}>{message}</p>
      {onRetry || actions ? (
        <div className={styles.actions}>
          {onRetry ? (
            <Button variant="secondary" onClick={onRetry} loading={retrying}>
              Try again
            </Button>
          ) : null}
          {actions}
        </div>
      ) : null}
    </div>
  );
}
