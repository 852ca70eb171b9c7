'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { Button, Skeleton } from '@/components/ui';
import { ClockIcon, LogOutIcon } from '@/components/ui/icons';
import { isUnauthorized } from '@/lib/api-client';
import { LOGIN_PATH } from '@/lib/auth-redirect';
import { logoutMutationOptions, sessionQueryOptions } from '../queries';
import styles from './session-menu.module.css';

function formatExpiry(iso: string): string {
  const expiresAt = new Date(iso);
  const sameDay = expiresAt.toDateString() === new Date().toDateString();
  return new Intl.DateTimeFormat(
    undefined,
    sameDay ? { timeStyle: 'short' } : { dateStyle: 'medium', timeStyle: 'short' },
  ).format(expiresAt);
}

/** Top-bar session info and the sign-out button. */
export function SessionMenu() {
  const router = useRouter();
  const queryClient = useQueryClient();
  const session = useQuery(sessionQueryOptions());

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

  return (
    <div className={styles.sessionMenu}>
      <span className={styles.expiry}>
        {session.data ? (
          <>
            <ClockIcon size={15} />
            <span>
              Session until{' '}
              <time dateTime={session.data.expiresAt}>{formatExpiry(session.data.expiresAt)}</time>
            </span>
          </>
        ) : session.isPending ? (
          <Skeleton width={140} height={14} />
        ) : null}
      </span>
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
