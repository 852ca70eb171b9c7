import {
  deploymentPageSchema,
  type RequestLogDetail,
  requestLogDetailSchema,
  requestLogPageSchema,
} from '@switchboard/contracts';
import type { z } from 'zod';
import { apiRequest } from '@/lib/api-client';
import type { LogFilters } from './filters';

export type RequestLogPage = z.infer<typeof requestLogPageSchema>;

export function listLogs(
  filters: LogFilters,
  { cursor, from, limit }: { cursor: string | null; from: string | null; limit: number },
  signal?: AbortSignal,
): Promise<RequestLogPage> {
  const params = new URLSearchParams({ limit: String(limit) });
  if (from) params.set('from', from);
  if (filters.projectId) params.set('projectId', filters.projectId);
  if (filters.keyId) params.set('keyId', filters.keyId);
  if (filters.modelGroup) params.set('modelGroup', filters.modelGroup);
  if (filters.deploymentId) params.set('deploymentId', filters.deploymentId);
  if (filters.status) params.set('status', filters.status);
  if (cursor) params.set('cursor', cursor);
  return apiRequest(`/api/logs?${params}`, { schema: requestLogPageSchema, signal });
}

export function getLog(id: string, signal?: AbortSignal): Promise<RequestLogDetail> {
  return apiRequest(`/api/logs/${encodeURIComponent(id)}`, { schema: requestLogDetailSchema, signal });
}

export interface DeploymentOption {
  id: string;
  name: string;
  modelGroup: string;
}

/** Every deployment's id, name and group, for the deployment filter. */
export async function listDeploymentOptions(signal?: AbortSignal): Promise<DeploymentOption[]> {
  const page = await apiRequest('/api/deployments?limit=500', { schema: deploymentPageSchema, signal });
  return page.data
    .map(({ id, name, modelGroup }) => ({ id, name, modelGroup }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
