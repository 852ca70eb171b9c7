'use client';

import { useEffect, useState } from 'react';
import { Button, type ButtonSize, type ButtonVariant } from './button';

/**
 * Copies text to the clipboard. The async Clipboard API exists only in secure contexts, and a
 * console reached as http://gateway-host:3000 is not one, so fall back to a hidden textarea.
 */
export async function copyText(text: string): Promise<boolean> {
  if (window.isSecureContext && navigator.clipboard) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Permission denied or document not focused: try the old way.
    }
  }
  const active = document.activeElement as HTMLElement | null;
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.top = '0';
  area.style.opacity = '0';
  // Inside an open modal dialog focus is trapped; select where focus already is.
  (active?.closest('[role="dialog"], [role="alertdialog"]') ?? document.body).appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  active?.focus();
  return ok;
}

interface CopyButtonProps {
  value: string;
  /** Accessible name, e.g. "Copy API key". */
  label: string;
  /** Visible text; defaults to "Copy". */
  children?: string;
  variant?: ButtonVariant;
  size?: ButtonSize;
  onCopied?: () => void;
  /** Takes the focus when its dialog opens (Dialog's `data-autofocus`): for a secret shown once. */
  autoFocus?: boolean;
}

export function CopyButton({
  value,
  label,
  children = 'Copy',
  variant = 'secondary',
  size = 'sm',
  onCopied,
  autoFocus = false,
}: CopyButtonProps) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const timer = window.setTimeout(() => setState('idle'), 2000);
    return () => window.clearTimeout(timer);
  }, [state]);

  return (
    <Button
      variant={variant}
      size={size}
      aria-label={label}
      {...(autoFocus ? { 'data-autofocus': true } : {})}
      icon={state === 'copied' ? <CheckIcon /> : <CopyIcon />}
      onClick={async () => {
        const ok = await copyText(value);
        setState(ok ? 'copied' : 'failed');
        if (ok) onCopied?.();
      }}
    >
      <span aria-live="polite">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : children}
      </span>
    </Button>
  );
}

function CopyIcon() {
  return (
    <svg
      width={15}
      height={15}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      aria-hidden="true"
    >
      <rect x="8.5" y="8.5" width="12" height="12" rx="2" />
      <path d="M15.5 8.5V5.5a2 2 0 0 0-2-2h-8a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h3" />
    </svg>
  );
}

function CheckIcon() {
  return (
    <svg
      width={15}
      height={15}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      aria-hidden="true"
    >
      <path d="m5 12.5 4.5 4.5L19 7.5" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
