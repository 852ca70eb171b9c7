'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, type ReactNode } from 'react';
import { buttonClassName, ErrorState, PageSkeleton } from '@/components/ui';
import { isApiError } from '@/lib/api-client';
import { currentBrowserPath, loginHref } from '@/lib/auth-redirect';
import { sessionQueryOptions } from '../queries';

function isUnreachable(error: Error): boolean {
  return isApiError(error) && (error.status === 0 || error.status >= 500);
}

/** Renders the page only for a signed-in operator; sends everyone else to /login. */
export function SessionGuard({ children }: { children: ReactNode }) {
  const router = useRouter();
  const session = useQuery(sessionQueryOptions());
  const signedOut = session.data === null;

  useEffect(() => {
    if (signedOut) router.replace(loginHref(currentBrowserPath()));
  }, [signedOut, router]);

  if (session.data) return children;

  if (session.isError && !signedOut) {
    return (
      <ErrorState
        title={isUnreachable(session.error) ? "Can't reach the Switchboard API" : "Can't check your session"}
        message={session.error.message}
        onRetry={() => void session.refetch()}
        retrying={session.isFetching}
        actions={
          <Link href="/login" className={buttonClassName({ variant: 'ghost' })}>
            Go to sign in
          </Link>
        }
      />
    );
  }

  return <PageSkeleton label={signedOut ? 'Redirecting to sign in' : 'Checking your session'} />;
}
