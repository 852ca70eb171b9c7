'use client';

import * as RadixDialog from '@radix-ui/react-dialog';
import { useRef, type ReactNode } from 'react';
import { CloseIcon } from './icons';
import styles from './dialog.module.css';

interface DialogProps {
  open: boolean;
  /** Called on Escape, the close button and (unless `dismissOnBackdrop` is false) a backdrop click. */
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  children: ReactNode;
  /** Buttons at the bottom, right-aligned. */
  footer?: ReactNode;
  size?: 'sm' | 'md' | 'lg';
  /** Off for dialogs whose content would be lost by a stray click (e.g. a secret shown once). */
  dismissOnBackdrop?: boolean;
  /** Role override: `alertdialog` for confirmations. */
  role?: 'dialog' | 'alertdialog';
  /** The id of an element in the body that describes the dialog, when it has no `description`. */
  describedBy?: string;
}

/** What had the focus on the page (outside any dialog) when a dialog last opened. */
let lastOpener: HTMLElement | null = null;

/**
 * A modal on Radix Dialog: focus trap, Escape, page hidden from assistive technology, scroll lock.
 * The owner's `open` is the only truth: Escape, the close button and the backdrop ask `onClose`, which
 * may keep the dialog open (e.g. to ask "Discard changes?" in a dialog of its own on top).
 */
export function Dialog({
  open,
  onClose,
  title,
  description,
  children,
  footer,
  size = 'md',
  dismissOnBackdrop = true,
  role = 'dialog',
  describedBy,
}: DialogProps) {
  const contentRef = useRef<HTMLDivElement>(null);
  // Radix hands focus back to a Dialog.Trigger; these dialogs open from plain buttons (or from code),
  // so remember what had focus when this one opened.
  const returnFocusTo = useRef<HTMLElement | null>(null);

  return (
    <RadixDialog.Root
      open={open}
      onOpenChange={(next) => {
        if (!next) onClose();
      }}
    >
      <RadixDialog.Portal>
        <RadixDialog.Overlay className={styles.overlay} />
        <RadixDialog.Content
          ref={contentRef}
          className={`${styles.dialog} ${styles[size]}`}
          role={role}
          // Without a description: the body element that describes it, or no aria-describedby pointing at nothing.
          {...(description ? {} : { 'aria-describedby': describedBy })}
          onOpenAutoFocus={(event) => {
            const active =
              document.activeElement instanceof HTMLElement && document.activeElement !== document.body
                ? document.activeElement
                : null;
            // No focus means this dialog replaced the one that had it (a form giving way to its result):
            // return where that one came from.
            returnFocusTo.current = active ?? (lastOpener?.isConnected ? lastOpener : null);
            if (active && !active.closest('[role="dialog"], [role="alertdialog"]')) lastOpener = active;
            // The first field (or the safe button of a confirmation) is marked with data-autofocus.
            const first = contentRef.current?.querySelector<HTMLElement>('[data-autofocus]');
            if (first) {
              event.preventDefault();
              first.focus();
            }
          }}
          onCloseAutoFocus={(event) => {
            event.preventDefault();
            const opener = returnFocusTo.current;
            returnFocusTo.current = null;
            // Not when another dialog took over meanwhile (e.g. the form gave way to a "Key created" one).
            const holder = document.activeElement?.closest('[role="dialog"], [role="alertdialog"]');
            if (opener?.isConnected && (!holder || holder.contains(opener))) opener.focus();
          }}
          onPointerDownOutside={(event) => {
            if (!dismissOnBackdrop) event.preventDefault();
          }}
        >
          <header className={styles.header}>
            <div className={styles.heading}>
              <RadixDialog.Title className={styles.title}>{title}</RadixDialog.Title>
              {description ? (
                <RadixDialog.Description className={styles.description}>
                  {description}
                </RadixDialog.Description>
              ) : null}
            </div>
            <RadixDialog.Close className={styles.close} aria-label="Close dialog">
              <CloseIcon size={18} />
            </RadixDialog.Close>
          </header>
          <div className={styles.body}>{children}</div>
          {footer ? <footer className={styles.footer}>{footer}</footer> : null}
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}
