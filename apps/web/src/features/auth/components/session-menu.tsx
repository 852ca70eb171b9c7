'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { Button, Skeleton } from '@/components/ui';
import { LogOutIcon } from '@/components/ui/icons';
import { isUnauthorized } from '@/lib/api-client';
import { LOGIN_PATH } from '@/lib/auth-redirect';
import { logoutMutationOptions } from '../queries';
import { callerName, ROLE_LABELS } from '../roles';
import type { Caller } from '../schemas';
import { useCaller } from '../use-caller';
import styles from './session-menu.module.css';

function formatExpiry(iso: string): string {
  const expiresAt = new Date(iso);
  const sameDay = expiresAt.toDateString() === new Date().toDateString();
  return new Intl.DateTimeFormat(
    undefined,
    sameDay ? { timeStyle: 'short' } : { dateStyle: 'medium', timeStyle: 'short' },
  ).format(expiresAt);
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? `${parts[0]?.[0] ?? ''}${parts.at(-1)?.[0] ?? ''}` : name.slice(0, 2);
  return letters.toUpperCase() || '?';
}

function roleText(caller: Caller): string {
  if (caller.kind === 'master-key') return 'Break-glass admin';
  return ROLE_LABELS[caller.role];
}

/** Top-bar identity (links to My account) and the sign-out button. */
export function SessionMenu() {
  const router = useRouter();
  const queryClient = useQueryClient();
  const session = useCaller();

  const signOut = useMutation({
    ...logoutMutationOptions(),
    onSuccess: () => leave(),
    // Already signed out is as good as signing out.
    onError: (error) => {
      if (isUnauthorized(error)) leave();
    },
  });

  function leave() {
    // Nothing from this session may survive in memory for the next operator.
    queryClient.clear();
    router.replace(LOGIN_PATH);
  }

  const failed = signOut.isError && !isUnauthorized(signOut.error);
  const caller = session.data;

  return (
    <div className={styles.sessionMenu}>
      {caller ? (
        <Link
          href="/account"
          className={styles.who}
          title={caller.expiresAt ? `Session until ${formatExpiry(caller.expiresAt)}` : undefined}
        >
          <span className={styles.avatar} aria-hidden="true">
            {caller.kind === 'master-key' ? '★' : initials(callerName(caller))}
          </span>
          <span className={styles.whoText}>
            <span className={styles.name}>{callerName(caller)}</span>
            <span className={styles.role}>{roleText(caller)}</span>
          </span>
          <span className="visually-hidden"> (My account)</span>
        </Link>
      ) : session.isPending ? (
        <Skeleton width={140} height={28} />
      ) : null}
      {failed ? (
        <span className={styles.error} role="alert">
          Sign-out failed
        </span>
      ) : null}
      <Button
        variant="ghost"
        size="sm"
        icon={<LogOutIcon size={16} />}
        loading={signOut.isPending}
        onClick={() => signOut.mutate()}
      >
        Sign out
      </Button>
    </div>
  );
}
