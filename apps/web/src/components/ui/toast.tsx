'use client';

import { useEffect, type CSSProperties, type RefObject } from 'react';
import { Toaster as SonnerToaster, toast as sonnerToast } from 'sonner';
import { AlertIcon, CloseIcon } from './icons';
import { MAX_VISIBLE_TOASTS, toastOptions } from './toast-options';
import styles from './toast.module.css';

export type { ToastTone } from './toast-options';

/** `toast.success('Project created')`, `toast.error('Could not revoke', error.message)`. */
export const toast = {
  success: (title: string, description?: string) =>
    sonnerToast.success(title, toastOptions('success', description)),
  error: (title: string, description?: string) =>
    sonnerToast.error(title, toastOptions('error', description)),
  info: (title: string, description?: string) => sonnerToast.info(title, toastOptions('info', description)),
};

const TOAST_OFFSET = {
  top: 'var(--space-4)',
  right: 'var(--space-4)',
  left: 'var(--space-4)',
  bottom: 'calc(var(--space-4) + var(--toast-clearance, 0px))',
};

/**
 * While `active`, toasts keep clear of the element: for a bar pinned to the bottom of the window (the
 * routing editor's Save bar), which a toast would otherwise cover for its 5–9 s.
 */
export function useToastClearance(ref: RefObject<HTMLElement | null>, active: boolean): void {
  useEffect(() => {
    const element = ref.current;
    if (!active || !element) return;
    const root = document.documentElement;
    const update = () => root.style.setProperty('--toast-clearance', `${element.offsetHeight + 8}px`);
    update();
    const observer = new ResizeObserver(update);
    observer.observe(element);
    return () => {
      observer.disconnect();
      root.style.removeProperty('--toast-clearance');
    };
  }, [ref, active]);
}

/**
 * Shows the toasts raised with `toast.*` (sonner: stacking, timers paused on hover and while the tab is
 * hidden, swipe to dismiss, a polite live region). Mounted once, in the dashboard layout.
 */
export function Toaster() {
  return (
    <SonnerToaster
      position="bottom-right"
      theme="system"
      visibleToasts={MAX_VISIBLE_TOASTS}
      closeButton
      // The region's name without sonner's hotkey suffix (Alt+T still focuses it).
      customAriaLabel="Notifications"
      // Above a bar pinned to the bottom of the window (useToastClearance), not over its buttons.
      offset={TOAST_OFFSET}
      mobileOffset={TOAST_OFFSET}
      style={{ '--width': '380px', fontFamily: 'var(--font-sans)' } as CSSProperties}
      icons={{
        success: <CheckIcon />,
        info: <CheckIcon />,
        error: <AlertIcon size={18} />,
        close: <CloseIcon size={16} />,
      }}
      toastOptions={{
        // The look is the console's own (toast.module.css); sonner keeps the behaviour and placement.
        unstyled: true,
        closeButtonAriaLabel: 'Dismiss notification',
        classNames: {
          toast: styles.toast,
          success: styles.success,
          error: styles.error,
          info: styles.info,
          icon: styles.icon,
          content: styles.text,
          title: styles.title,
          description: styles.description,
          closeButton: styles.dismiss,
        },
      }}
    />
  );
}

function CheckIcon() {
  return (
    <svg width={18} height={18} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2}>
      <circle cx="12" cy="12" r="8.5" />
      <path d="m8.5 12.25 2.5 2.5 4.5-5" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
