'use client';

import type { Route } from 'next';
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { ConfirmDialog } from './confirm-dialog';

/*
 * Unsaved edits are never lost silently. Two hooks, one per place edits live.
 *
 * A page (e.g. the routing editor): while `dirty`, an in-app link, Back/Forward and closing or
 * reloading the tab ask first.
 *     const leaveGuard = useUnsavedChanges(dirty, { description: 'You have unsaved routing changes.' });
 *     return <>…{leaveGuard.prompt}</>;
 *
 * A form dialog: while `dirty`, Escape, the close button, a backdrop click and Cancel ask
 * "Discard changes?" first.
 *     const discard = useDiscardChanges({ dirty, onClose, busy: pending });
 *     return (
 *       <>
 *         {discard.prompt}
 *         <Dialog onClose={discard.requestClose} footer={<Button onClick={discard.requestClose}>…} …>
 *
 * `dirty` must be false on the server render (it comes from what the operator typed). One leave guard
 * per page.
 */

interface LeavePromptText {
  /** The question; "Leave without saving?" by default. */
  title?: string;
  /** What would be lost, e.g. "You have unsaved routing changes." */
  description: ReactNode;
}

/** What the operator tried when the guard stopped them. */
type Attempt = { kind: 'link'; anchor: HTMLAnchorElement } | { kind: 'history' };

/** Marks the extra history entry the guard stands on, so Back lands on the page itself first. */
const GUARD_STATE_KEY = '__switchboardUnsavedGuard';

const noSubscription = () => () => {};

/** False on the server and while hydrating, true after: a portal needs `document`. */
function useIsClient(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
}

/**
 * Asks before leaving the page while `dirty`.
 *
 * Next's App Router cannot block a route change, so the guard works underneath it, as navigation-guard
 * libraries do:
 * - in-app links: a capturing click listener on `document` stops the click before React (and so
 *   `<Link>`) sees it; "Leave" clicks the same link again, past the guard;
 * - Back/Forward: an extra history entry for the same URL is pushed while dirty. Back pops it without a
 *   route change and the guard asks (its capturing `popstate` listener runs before Next's); "Stay"
 *   pushes it again, "Leave" goes back once more, this time to Next;
 * - closing, reloading, typing another address: `beforeunload`, which shows the browser's own dialog.
 * Once the page is clean again (saved or discarded) the extra entry is taken back off.
 */
export function useUnsavedChanges(dirty: boolean, text: LeavePromptText): { prompt: ReactNode } {
  const router = useRouter();
  const [attempt, setAttemptState] = useState<Attempt | null>(null);
  /** The prompt is open (for the listeners, which outlive renders). */
  const asking = useRef(false);
  const setAttempt = useCallback((next: Attempt | null) => {
    asking.current = next !== null;
    setAttemptState(next);
  }, []);
  const isClient = useIsClient();
  /** Our extra entry is the current history entry. */
  const onGuardEntry = useRef(false);
  const guardedUrl = useRef('');
  /** Set once the operator chose to leave: nothing is stopped any more. */
  const released = useRef(false);
  /** The next popstate is the guard's own `history.back()`: swallow it, then run this. */
  const afterOwnBack = useRef<(() => void) | null>(null);

  useEffect(() => {
    if (!dirty) return;
    released.current = false;

    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (released.current) return;
      event.preventDefault();
    };
    const onClick = (event: MouseEvent) => {
      if (released.current) return;
      const anchor = leavingLink(event);
      if (!anchor) return;
      event.preventDefault();
      event.stopPropagation();
      setAttempt({ kind: 'link', anchor });
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    document.addEventListener('click', onClick, true);

    if (!onGuardEntry.current) {
      guardedUrl.current = window.location.href;
      // Next's own state (the route tree) is kept, so Next takes the entry for its own.
      window.history.pushState({ ...window.history.state, [GUARD_STATE_KEY]: true }, '', guardedUrl.current);
      onGuardEntry.current = true;
    }

    return () => {
      window.removeEventListener('beforeunload', onBeforeUnload);
      document.removeEventListener('click', onClick, true);
      if (!onGuardEntry.current) return;
      onGuardEntry.current = false;
      // Clean again on this page: step off the extra entry so Back is one press. After a route change
      // (the entry is no longer current) history is left alone.
      if (window.history.state?.[GUARD_STATE_KEY] === true) {
        afterOwnBack.current = () => {};
        window.history.back();
      }
    };
  }, [dirty, setAttempt]);

  useEffect(() => {
    const onPopState = (event: PopStateEvent) => {
      const next = afterOwnBack.current;
      if (next) {
        afterOwnBack.current = null;
        event.stopImmediatePropagation();
        next();
        return;
      }
      if (released.current || (!onGuardEntry.current && !asking.current)) return;
      // Back from the extra entry (or Back again while asking): the page has not changed, so ask before
      // Next hears of it.
      onGuardEntry.current = false;
      event.stopImmediatePropagation();
      setAttempt({ kind: 'history' });
    };
    // Capturing on the target itself runs before Next's (bubbling) listener on window.
    window.addEventListener('popstate', onPopState, true);
    return () => window.removeEventListener('popstate', onPopState, true);
  }, [setAttempt]);

  const stay = useCallback(() => {
    if (attempt?.kind === 'history' && !onGuardEntry.current) {
      // Back already happened (to this page's own entry, or further): put the extra entry back.
      window.history.pushState({ ...window.history.state, [GUARD_STATE_KEY]: true }, '', guardedUrl.current);
      onGuardEntry.current = true;
    }
    setAttempt(null);
  }, [attempt, setAttempt]);

  const leave = useCallback(() => {
    if (!attempt) return;
    setAttempt(null);
    released.current = true;
    if (attempt.kind === 'history') {
      if (window.location.href === guardedUrl.current) window.history.back();
      // Several entries back at once: hand Next the popstate it missed.
      else window.dispatchEvent(new PopStateEvent('popstate', { state: window.history.state }));
      return;
    }
    const { anchor } = attempt;
    // The same link again (its own click handlers run: e.g. the drawer closes); by URL if it is gone.
    const follow = () => {
      if (anchor.isConnected) {
        anchor.click();
      } else {
        const url = new URL(anchor.href);
        router.push(`${url.pathname}${url.search}${url.hash}` as Route);
      }
    };
    if (onGuardEntry.current) {
      // Step off the extra entry first, so the page is in history once.
      onGuardEntry.current = false;
      afterOwnBack.current = follow;
      window.history.back();
    } else {
      follow();
    }
  }, [attempt, router, setAttempt]);

  const prompt = isClient
    ? // On <body>: the page column is inert while the navigation drawer is open, and the drawer's
      // links are guarded too.
      createPortal(
        <ConfirmDialog
          open={attempt !== null}
          onCancel={stay}
          onConfirm={leave}
          title={text.title ?? 'Leave without saving?'}
          description={text.description}
          confirmLabel="Leave without saving"
          cancelLabel="Stay on this page"
        />,
        document.body,
      )
    : null;
  return { prompt };
}

/** The link a click follows to another page of this app; null for a new tab, a download, a #hash… */
function leavingLink(event: MouseEvent): HTMLAnchorElement | null {
  if (event.defaultPrevented || event.button !== 0) return null;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return null;
  const anchor = event.target instanceof Element ? event.target.closest('a') : null;
  if (!anchor || !anchor.hasAttribute('href') || anchor.hasAttribute('download')) return null;
  if (anchor.target && anchor.target !== '_self') return null;
  const url = new URL(anchor.href, window.location.href);
  // Another site unloads the document: `beforeunload` asks for that.
  if (url.origin !== window.location.origin) return null;
  if (url.pathname === window.location.pathname && url.search === window.location.search) return null;
  return anchor;
}

interface DiscardChangesOptions {
  /** Something was typed or changed since the dialog opened. */
  dirty: boolean;
  /** Closes the dialog for good. */
  onClose: () => void;
  /** While saving, closing does nothing. */
  busy?: boolean;
  /** What is lost, e.g. "The project is not created." */
  description?: ReactNode;
}

/**
 * "Discard changes?" before a form dialog closes with edits in it. Route the dialog's `onClose` and its
 * Cancel button through `requestClose`, and render `prompt` (next to the dialog).
 */
export function useDiscardChanges({
  dirty,
  onClose,
  busy = false,
  description = 'What you typed is not saved.',
}: DiscardChangesOptions): { requestClose: () => void; prompt: ReactNode } {
  const [asking, setAsking] = useState(false);
  // Counts "Discard" presses; closing the form waits for an effect (below).
  const [discards, setDiscards] = useState(0);
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  }, [onClose]);

  // The form closes after the question has (its effect runs first, being a child): each native dialog
  // hands focus back to what had it before, so the last focus goes to what opened the form.
  useEffect(() => {
    if (discards > 0) onCloseRef.current();
  }, [discards]);

  const requestClose = useCallback(() => {
    if (busy) return;
    if (dirty) setAsking(true);
    else onClose();
  }, [busy, dirty, onClose]);

  const prompt = (
    <ConfirmDialog
      open={asking}
      onCancel={() => setAsking(false)}
      onConfirm={() => {
        setAsking(false);
        setDiscards((n) => n + 1);
      }}
      title="Discard changes?"
      description={description}
      confirmLabel="Discard changes"
      cancelLabel="Keep editing"
    />
  );
  return { requestClose, prompt };
}
