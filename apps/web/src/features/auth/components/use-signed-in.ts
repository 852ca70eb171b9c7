import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useCallback } from 'react';
import { safeNextPath } from '@/lib/auth-redirect';
import { sessionQueryOptions } from '../queries';

/** Where sign-in should land: the `?next=` the operator came from, or the overview. */
export function nextPathFromLocation() {
  return safeNextPath(new URLSearchParams(window.location.search).get('next'));
}

/**
 * After a successful sign-in (password, master key or first-admin setup): start with an empty cache,
 * learn who signed in (role and permissions decide what the console shows), then go to the app.
 */
export function useSignedIn(): () => Promise<void> {
  const router = useRouter();
  const queryClient = useQueryClient();
  return useCallback(async () => {
    queryClient.clear();
    await queryClient.prefetchQuery(sessionQueryOptions());
    router.replace(nextPathFromLocation());
  }, [queryClient, router]);
}
