import { mutationOptions, queryOptions } from '@tanstack/react-query';
import { changeMyPassword, createMyToken, listMyTokens, revokeMyToken, signOutEverywhere } from './api';

export const meKeys = {
  all: ['me'] as const,
  tokens: () => [...meKeys.all, 'tokens'] as const,
};

export const myTokensQueryOptions = () =>
  queryOptions({
    queryKey: meKeys.tokens(),
    queryFn: ({ signal }) => listMyTokens(signal),
  });

export const createTokenMutationOptions = () =>
  mutationOptions({
    mutationKey: [...meKeys.all, 'create-token'],
    mutationFn: createMyToken,
    onSuccess: (_created, _variables, _result, { client }) =>
      client.invalidateQueries({ queryKey: meKeys.tokens() }),
  });

export const revokeTokenMutationOptions = () =>
  mutationOptions({
    mutationKey: [...meKeys.all, 'revoke-token'],
    mutationFn: revokeMyToken,
    onSuccess: (_data, _id, _result, { client }) => client.invalidateQueries({ queryKey: meKeys.tokens() }),
  });

export const changePasswordMutationOptions = () =>
  mutationOptions({ mutationKey: [...meKeys.all, 'change-password'], mutationFn: changeMyPassword });

export const signOutEverywhereMutationOptions = () =>
  mutationOptions({
    mutationKey: [...meKeys.all, 'sign-out-everywhere'],
    mutationFn: signOutEverywhere,
    // The session ends by design: the 401 that may follow is not an expired session to recover from.
    meta: { skipAuthRedirect: true },
  });
