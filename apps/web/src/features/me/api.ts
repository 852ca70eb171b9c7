import {
  type ApiToken,
  apiTokenSchema,
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
