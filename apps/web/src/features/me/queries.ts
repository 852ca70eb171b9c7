import { mutationOptions, queryOptions } from '@tanstack/react-query';
import { createMyToken, listMyTokens, revokeMyToken } from './api';

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
