import { infiniteQueryOptions, mutationOptions } from '@tanstack/react-query';
import { auditKeys } from '@/features/audit/queries';
import { authKeys } from '@/features/auth/queries';
import { createAccount, listAccounts, resetAccountPassword, updateAccount } from './api';

/** Every accounts query lives under `['accounts']`. */
export const accountKeys = {
  all: ['accounts'] as const,
  lists: () => [...accountKeys.all, 'list'] as const,
};

export const ACCOUNTS_PAGE_SIZE = 50;

export const accountListQueryOptions = () =>
  infiniteQueryOptions({
    queryKey: accountKeys.lists(),
    queryFn: ({ pageParam, signal }) =>
      listAccounts({ cursor: pageParam, limit: ACCOUNTS_PAGE_SIZE }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor,
  });

export const createAccountMutationOptions = () =>
  mutationOptions({
    mutationKey: [...accountKeys.all, 'create'],
    mutationFn: createAccount,
    onSuccess: (_invite, _variables, _result, { client }) =>
      Promise.all([
        client.invalidateQueries({ queryKey: accountKeys.lists() }),
        // The first account turns off "create the first admin" on the login page.
        client.invalidateQueries({ queryKey: authKeys.options() }),
        client.invalidateQueries({ queryKey: auditKeys.all }),
      ]),
  });

export const updateAccountMutationOptions = () =>
  mutationOptions({
    mutationKey: [...accountKeys.all, 'update'],
    mutationFn: updateAccount,
    onSuccess: (_account, _variables, _result, { client }) =>
      Promise.all([
        client.invalidateQueries({ queryKey: accountKeys.lists() }),
        // Changing one's own role changes what this console may show.
        client.invalidateQueries({ queryKey: authKeys.session() }),
        client.invalidateQueries({ queryKey: auditKeys.all }),
      ]),
  });

export const resetPasswordMutationOptions = () =>
  mutationOptions({
    mutationKey: [...accountKeys.all, 'reset-password'],
    mutationFn: resetAccountPassword,
    onSuccess: (_invite, _variables, _result, { client }) =>
      Promise.all([
        client.invalidateQueries({ queryKey: accountKeys.lists() }),
        client.invalidateQueries({ queryKey: auditKeys.all }),
      ]),
  });
