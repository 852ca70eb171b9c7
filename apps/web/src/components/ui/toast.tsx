'use client';

import { useEffect, useState, useSyncExternalStore } from 'react';
import { AlertIcon, CloseIcon } from './icons';
import styles from './toast.module.css';

export type ToastTone = 'success' | 'error' | 'info';

interface ToastItem {
  id: number;
  tone: ToastTone;
  title: string;
  description?: string;
}

// A tiny store outside React so any code (mutation callbacks included) can raise a toast.
let items: ToastItem[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((listener) => listener());
const EMPTY: ToastItem[] = [];

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function dismissToast(id: number): void {
  items = items.filter((item) => item.id !== id);
  emit();
}

function push(tone: ToastTone, title: string, description?: string): number {
  const id = nextId++;
  // Keep the stack short: the newest four are enough to read.
  items = [...items.slice(-3), { id, tone, title, description }];
  emit();
  return id;
}

/** `toast.success('Project created')`, `toast.error('Could not revoke', error.message)`. */
export const toast = {
  success: (title: string, description?: string) => push('success', title, description),
  error: (title: string, description?: string) => push('error', title, description),
  info: (title: string, description?: string) => push('info', title, description),
};

const TIMEOUT_MS: Record<ToastTone, number> = { success: 5000, info: 5000, error: 9000 };

// Several pages (or a layout and a page) may render <Toaster />; only the first one shows toasts.
let mountedOwner: symbol | null = null;

/** Renders the toasts raised with `toast.*`. Mount it once near the root of the dashboard. */
export function Toaster() {
  const [owner] = useState(() => Symbol('toaster'));
  const [isOwner, setIsOwner] = useState(false);
  const current = useSyncExternalStore(
    subscribe,
    () => items,
    () => EMPTY,
  );

  useEffect(() => {
    if (mountedOwner !== null) return;
    mountedOwner = owner;
    setIsOwner(true);
    return () => {
      if (mountedOwner === owner) mountedOwner = null;
    };
  }, [owner]);

  if (!isOwner) return null;

  return (
    <section className={styles.region} aria-label="Notifications">
      <ol className={styles.list}>
        {current.map((item) => (
          <ToastCard key={item.id} item={item} />
        ))}
      </ol>
    </section>
  );
}

function ToastCard({ item }: { item: ToastItem }) {
  const [paused, setPaused] = useState(false);

  useEffect(() => {
    if (paused) return;
    const timer = window.setTimeout(() => dismissToast(item.id), TIMEOUT_MS[item.tone]);
    return () => window.clearTimeout(timer);
  }, [item.id, item.tone, paused]);

  return (
    <li
      className={`${styles.toast} ${styles[item.tone]}`}
      role={item.tone === 'error' ? 'alert' : 'status'}
      onMouseEnter={() => setPaused(true)}
      onMouseLeave={() => setPaused(false)}
      onFocus={() => setPaused(true)}
      onBlur={() => setPaused(false)}
    >
      <span className={styles.icon} aria-hidden="true">
        {item.tone === 'error' ? <AlertIcon size={18} /> : <CheckIcon />}
      </span>
      <div className={styles.text}>
        <p className={styles.title}>{item.title}</p>
        {item.description ? <p className={styles.description}>{item.description}</p> : null}
      </div>
      <button
        type="button"
        className={styles.dismiss}
        onClick={() => dismissToast(item.id)}
        aria-label="Dismiss notification"
      >
        <CloseIcon size={16} />
      </button>
    </li>
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
