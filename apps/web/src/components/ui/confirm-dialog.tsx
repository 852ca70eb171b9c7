'use client';

import { useId, type ReactNode } from 'react';
import { Button } from './button';
import { Dialog } from './dialog';
import styles from './confirm-dialog.module.css';

interface ConfirmDialogProps {
  open: boolean;
  onCancel: () => void;
  onConfirm: () => void;
  title: ReactNode;
  /** What will happen, in plain words. */
  description: ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
  tone?: 'danger' | 'primary';
  pending?: boolean;
  /** A failure of the last attempt, shown above the buttons. */
  error?: string | null;
  /** Extra choices, e.g. a grace period. */
  children?: ReactNode;
}

/** Asks before a destructive or irreversible action. */
export function ConfirmDialog({
  open,
  onCancel,
  onConfirm,
  title,
  description,
  confirmLabel,
  cancelLabel = 'Cancel',
  tone = 'danger',
  pending = false,
  error,
  children,
}: ConfirmDialogProps) {
  // Screen readers read the question's consequences with its title.
  const descriptionId = useId();
  return (
    <Dialog
      open={open}
      onClose={() => {
        if (!pending) onCancel();
      }}
      title={title}
      size="sm"
      role="alertdialog"
      describedBy={descriptionId}
      footer={
        <>
          <Button variant="ghost" onClick={onCancel} disabled={pending} data-autofocus>
            {cancelLabel}
          </Button>
          <Button variant={tone} onClick={onConfirm} loading={pending}>
            {confirmLabel}
          </Button>
        </>
      }
    >
      <div className={styles.body}>
        <div id={descriptionId} className={styles.description}>
          {description}
        </div>
        {children}
        {error ? (
          <p className={styles.error} role="alert">
            {error}
          </p>
        ) : null}
      </div>
    </Dialog>
  );
}
