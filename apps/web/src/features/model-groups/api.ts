import {
  modelGroupPageSchema,
  modelGroupSchema,
  type CreateModelGroup,
  type ModelGroup,
  type SaveGroupRouting,
  type UpdateModelGroup,
} from '@switchboard/contracts';
import type { z } from 'zod';
import { apiRequest } from '@/lib/api-client';

export type ModelGroupPage = z.infer<typeof modelGroupPageSchema>;

export interface ModelGroupListParams {
  cursor?: string;
  limit: number;
}

// Group names may contain `/` and `:` (e.g. `openai/gpt-4o`): always encode them into the path.
const byName = (name: string) => `/api/model-groups/${encodeURIComponent(name)}` as const;

export function listModelGroups(params: ModelGroupListParams, signal?: AbortSignal): Promise<ModelGroupPage> {
  const query = new URLSearchParams({ limit: String(params.limit) });
  if (params.cursor) query.set('cursor', params.cursor);
  return apiRequest(`/api/model-groups?${query.toString()}`, { schema: modelGroupPageSchema, signal });
}

export function getModelGroup(name: string, signal?: AbortSignal): Promise<ModelGroup> {
  return apiRequest(byName(name), { schema: modelGroupSchema, signal });
}

export function createModelGroup(body: CreateModelGroup): Promise<ModelGroup> {
  return apiRequest('/api/model-groups', { method: 'POST', body, schema: modelGroupSchema });
}

export function updateModelGroup(name: string, body: UpdateModelGroup): Promise<ModelGroup> {
  return apiRequest(byName(name), { method: 'PATCH', body, schema: modelGroupSchema });
}

/** Policy and deployment weights / priorities in one request and one transaction. */
export function saveGroupRouting(name: string, body: SaveGroupRouting): Promise<ModelGroup> {
  return apiRequest(`${byName(name)}/routing`, { method: 'PUT', body, schema: modelGroupSchema });
}

export function deleteModelGroup(name: string): Promise<void> {
  return apiRequest(byName(name), { method: 'DELETE' });
}
