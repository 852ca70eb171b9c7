import {
  type ApiToken,
  apiTokenSchema,
  type changePasswordSchema,
  type createApiTokenSchema,
  createdApiTokenSchema,
} from '@switchboard/contracts';
import { z } from 'zod';
import { apiRequest } from '@/lib/api-client';

export type CreateApiTokenBody = z.input<typeof createApiTokenSchema>;
export type CreatedApiToken = z.infer<typeof createdApiTokenSchema>;

/** The caller's personal admin API tokens (not for the master key). */
export function listMyTokens(signal?: AbortSignal): Promise<ApiToken[]> {
  return apiRequest('/api/me/tokens', { schema: z.array(apiTokenSchema), signal });
}

/** The token itself is in the answer, once. */
export function createMyToken(body: CreateApiTokenBody): Promise<CreatedApiToken> {
  return apiRequest('/api/me/tokens', { method: 'POST', body, schema: createdApiTokenSchema });
}

export function revokeMyToken(id: string): Promise<void> {
  return apiRequest(`/api/me/tokens/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

export type ChangePasswordBody = z.input<typeof changePasswordSchema>;

/** Needs the current password; the account's other console sessions end. */
export function changeMyPassword(body: ChangePasswordBody): Promise<void> {
  return apiRequest('/api/me/password', { method: 'POST', body });
}

/** Every console session of the account ends, this one included. */
export function signOutEverywhere(): Promise<void> {
  return apiRequest('/api/me/sessions/revoke', { method: 'POST' });
}
