/** What a toast says about itself: its tone picks the icon, the accent and how long it stays. */
export type ToastTone = 'success' | 'error' | 'info';

/** An error stays long enough to read its reason; a confirmation goes sooner. */
export const TOAST_DURATION_MS: Record<ToastTone, number> = { success: 5000, info: 5000, error: 9000 };

/** The newest few are enough to read; older ones wait behind them. */
export const MAX_VISIBLE_TOASTS = 4;

/** The options handed to sonner for `toast.<tone>(title, description)`. */
export function toastOptions(
  tone: ToastTone,
  description?: string,
): { description?: string; duration: number } {
  return description
    ? { description, duration: TOAST_DURATION_MS[tone] }
    : { duration: TOAST_DURATION_MS[tone] };
}
