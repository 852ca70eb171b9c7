import {
  type CreatedKey,
  createdKeySchema,
  type CreateKey,
  type Distribution,
  distributionSchema,
  type UpdateKey,
  type VirtualKey,
  virtualKeyPageSchema,
  virtualKeySchema,
} from '@switchboard/contracts';
import { z } from 'zod';
import { rangeWindow, type TimeRange } from '@/components/ui/time-range';
import { apiRequest } from '@/lib/api-client';

export type KeyPage = z.infer<typeof virtualKeyPageSchema>;

export interface KeyListFilters {
  projectId?: string;
  includeRevoked: boolean;
}

export function listKeys(
  { projectId, includeRevoked }: KeyListFilters,
  { cursor, limit }: { cursor?: string | null; limit: number },
  signal?: AbortSignal,
): Promise<KeyPage> {
  const params = new URLSearchParams({ limit: String(limit), includeRevoked: String(includeRevoked) });
  if (projectId) params.set('projectId', projectId);
  if (cursor) params.set('cursor', cursor);
  return apiRequest(`/api/keys?${params}`, { schema: virtualKeyPageSchema, signal });
}

export function createKey(body: CreateKey): Promise<CreatedKey> {
  return apiRequest('/api/keys', { method: 'POST', body, schema: createdKeySchema });
}

export function updateKey({ id, body }: { id: string; body: UpdateKey }): Promise<VirtualKey> {
  return apiRequest(`/api/keys/${encodeURIComponent(id)}`, {
    method: 'PATCH',
    body,
    schema: virtualKeySchema,
  });
}

export function revokeKey(id: string): Promise<VirtualKey> {
  return apiRequest(`/api/keys/${encodeURIComponent(id)}/revoke`, {
    method: 'POST',
    schema: virtualKeySchema,
  });
}

export function rotateKey({
  id,
  gracePeriodSeconds,
}: {
  id: string;
  gracePeriodSeconds: number;
}): Promise<CreatedKey> {
  return apiRequest(`/api/keys/${encodeURIComponent(id)}/rotate`, {
    method: 'POST',
    body: { gracePeriodSeconds },
    schema: createdKeySchema,
  });
}

const modelNamesSchema = z.object({ data: z.array(z.string()) });

/**
 * Model group names, for the allowed-models picker and the Dify model names. From the keys API, so whoever
 * may issue keys (a project member included) gets them without reading the routing configuration.
 */
export async function listModelGroupNames(signal?: AbortSignal): Promise<string[]> {
  return (await apiRequest('/api/keys/models', { schema: modelNamesSchema, signal })).data;
}

/** Requests, errors and cost per key over a recent window (from the usage rollups). */
export function fetchKeyUsage(range: TimeRange, signal?: AbortSignal): Promise<Distribution> {
  const params = new URLSearchParams({ ...rangeWindow(range), groupBy: 'key', interval: 'day' });
  return apiRequest(`/api/stats/distribution?${params}`, { schema: distributionSchema, signal });
}
