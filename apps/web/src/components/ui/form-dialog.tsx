'use client';

import type { FormEvent, ReactNode } from 'react';
import { Button } from './button';
import { Dialog } from './dialog';
import { InlineAlert } from './inline-alert';

interface FormDialogProps {
  open?: boolean;
  /** Escape, the close button and Cancel: usually `useDiscardChanges(…).requestClose`. */
  onClose: () => void;
  /** Rendered beside the dialog: usually `useDiscardChanges(…).prompt`. */
  prompt?: ReactNode;
  title: ReactNode;
  description?: ReactNode;
  size?: 'sm' | 'md' | 'lg';
  formId: string;
  formClassName?: string;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
  pending: boolean;
  submitLabel: ReactNode;
  /** The errors not tied to a field (the fields show their own), under `errorTitle`. */
  otherErrors: readonly string[];
  errorTitle: string;
  children: ReactNode;
}

/** A dialog around one form: Cancel and the submit button below it, the form's general errors on top. */
export function FormDialog({
  open = true,
  onClose,
  prompt,
  title,
  description,
  size,
  formId,
  formClassName,
  onSubmit,
  pending,
  submitLabel,
  otherErrors,
  errorTitle,
  children,
}: FormDialogProps) {
  return (
    <>
      {prompt}
      <Dialog
        open={open}
        onClose={onClose}
        title={title}
        description={description}
        size={size}
        footer={
          <>
            <Button variant="ghost" onClick={onClose} disabled={pending}>
              Cancel
            </Button>
            <Button type="submit" form={formId} variant="primary" loading={pending}>
              {submitLabel}
            </Button>
          </>
        }
      >
        <form id={formId} className={formClassName} onSubmit={onSubmit} noValidate aria-busy={pending}>
          {otherErrors.length > 0 ? (
            <InlineAlert tone="danger" title={errorTitle}>
              {otherErrors.join(' ')}
            </InlineAlert>
          ) : null}
          {children}
        </form>
      </Dialog>
    </>
  );
}
