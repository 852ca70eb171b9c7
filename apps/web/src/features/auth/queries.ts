import { mutationOptions, queryOptions } from '@tanstack/react-query';
import { fetchSession, login, logout } from './api';

export const authKeys = {
  all: ['auth'] as const,
  session: () => [...authKeys.all, 'session'] as const,
};

export const sessionQueryOptions = () =>
  queryOptions({
    queryKey: authKeys.session(),
    queryFn: ({ signal }) => fetchSession(signal),
    staleTime: 60_000,
  });

export const loginMutationOptions = () =>
  mutationOptions({
    mutationKey: [...authKeys.all, 'login'],
    mutationFn: login,
    // A 401 here means a wrong key, not an expired session.
    meta: { skipAuthRedirect: true },
  });

export const logoutMutationOptions = () =>
  mutationOptions({
    mutationKey: [...authKeys.all, 'logout'],
    mutationFn: logout,
    meta: { skipAuthRedirect: true },
  });
