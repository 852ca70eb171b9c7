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
  const params = filterParams(filters, from);
  params.set('limit', String(limit));
  if (cursor) params.set('cursor', cursor);
  return apiRequest(`/api/logs?${params}`, { schema: requestLogPageSchema, signal });
}

/** The API's query for the filters (the list and the export read the same ones). */
function filterParams(filters: LogFilters, from: string | null): URLSearchParams {
  const params = new URLSearchParams();
  if (from) params.set('from', from);
  for (const name of [
    'projectId',
    'keyId',
    'modelGroup',
    'deploymentId',
    'status',
    'requestId',
    'q',
  ] as const) {
    const value = filters[name];
    if (value) params.set(name, value);
  }
  return params;
}

/** Where the browser downloads the filtered range (same origin: the session cookie signs it in). */
export function logExportUrl(filters: LogFilters, format: 'csv' | 'jsonl', from: string | null): string {
  const params = filterParams(filters, from);
  params.set('format', format);
  return `/api/logs/export?${params}`;
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
