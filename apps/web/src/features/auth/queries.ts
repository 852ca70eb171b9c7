import { mutationOptions, queryOptions } from '@tanstack/react-query';
import { fetchAuthOptions, fetchSession, login, logout, setPassword, setupFirstAdmin } from './api';

export const authKeys = {
  all: ['auth'] as const,
  session: () => [...authKeys.all, 'session'] as const,
  options: () => [...authKeys.all, 'options'] as const,
};

/** The caller (account, role, permissions), or `null` when signed out. */
export const sessionQueryOptions = () =>
  queryOptions({
    queryKey: authKeys.session(),
    queryFn: ({ signal }) => fetchSession(signal),
    staleTime: 60_000,
  });

export const authOptionsQueryOptions = () =>
  queryOptions({
    queryKey: authKeys.options(),
    queryFn: ({ signal }) => fetchAuthOptions(signal),
    staleTime: 60_000,
    meta: { skipAuthRedirect: true },
  });

export const loginMutationOptions = () =>
  mutationOptions({
    mutationKey: [...authKeys.all, 'login'],
    mutationFn: login,
    // A 401 here means wrong credentials, not an expired session.
    meta: { skipAuthRedirect: true },
  });

export const setupMutationOptions = () =>
  mutationOptions({
    mutationKey: [...authKeys.all, 'setup'],
    mutationFn: setupFirstAdmin,
    // A 401 here means a wrong master key.
    meta: { skipAuthRedirect: true },
  });

export const setPasswordMutationOptions = () =>
  mutationOptions({
    mutationKey: [...authKeys.all, 'set-password'],
    mutationFn: setPassword,
    meta: { skipAuthRedirect: true },
  });

export const logoutMutationOptions = () =>
  mutationOptions({
    mutationKey: [...authKeys.all, 'logout'],
    mutationFn: logout,
    meta: { skipAuthRedirect: true },
  });
