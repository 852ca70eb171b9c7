import {
  type Account,
  type AccountInvite,
  accountInviteSchema,
  accountPageSchema,
  accountSchema,
  type createAccountSchema,
  type UpdateAccountInput,
} from '@switchboard/contracts';
import type { z } from 'zod';
import { apiRequest } from '@/lib/api-client';

export type AccountPage = z.infer<typeof accountPageSchema>;
export type CreateAccountBody = z.input<typeof createAccountSchema>;

export function listAccounts(
  { cursor, limit = 50 }: { cursor?: string | null; limit?: number },
  signal?: AbortSignal,
): Promise<AccountPage> {
  const params = new URLSearchParams({ limit: String(limit) });
  if (cursor) params.set('cursor', cursor);
  return apiRequest(`/api/accounts?${params}`, { schema: accountPageSchema, signal });
}

/** Creates the account and answers the one-time link to set its password. */
export function createAccount(body: CreateAccountBody): Promise<AccountInvite> {
  return apiRequest('/api/accounts', { method: 'POST', body, schema: accountInviteSchema });
}

export function updateAccount({ id, body }: { id: string; body: UpdateAccountInput }): Promise<Account> {
  return apiRequest(`/api/accounts/${encodeURIComponent(id)}`, {
    method: 'PATCH',
    body,
    schema: accountSchema,
  });
}

/** A new one-time link; the old password stops working once the new one is set. */
export function resetAccountPassword(id: string): Promise<AccountInvite> {
  return apiRequest(`/api/accounts/${encodeURIComponent(id)}/reset-password`, {
    method: 'POST',
    schema: accountInviteSchema,
  });
}
