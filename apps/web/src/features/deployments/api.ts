import {
  attemptStatsSchema,
  deploymentPageSchema,
  deploymentSchema,
  deploymentTestResultSchema,
  type AttemptStats,
  type CreateDeployment,
  type Deployment,
  type DeploymentTestResult,
  type UpdateDeployment,
} from '@switchboard/contracts';
import type { z } from 'zod';
import { rangeWindow, TIME_RANGE_SPECS } from '@/components/ui/time-range';
import { apiRequest } from '@/lib/api-client';
import type { AttemptRange } from './attempts-health';

export type DeploymentPage = z.infer<typeof deploymentPageSchema>;

export interface DeploymentListParams {
  modelGroup?: string;
  cursor?: string;
  limit: number;
}

const byId = (id: string) => `/api/deployments/${encodeURIComponent(id)}` as const;

export function listDeployments(params: DeploymentListParams, signal?: AbortSignal): Promise<DeploymentPage> {
  const query = new URLSearchParams({ limit: String(params.limit) });
  if (params.modelGroup) query.set('modelGroup', params.modelGroup);
  if (params.cursor) query.set('cursor', params.cursor);
  return apiRequest(`/api/deployments?${query.toString()}`, { schema: deploymentPageSchema, signal });
}

export function getDeployment(id: string, signal?: AbortSignal): Promise<Deployment> {
  return apiRequest(byId(id), { schema: deploymentSchema, signal });
}

export function createDeployment(body: CreateDeployment): Promise<Deployment> {
  return apiRequest('/api/deployments', { method: 'POST', body, schema: deploymentSchema });
}

export function updateDeployment(id: string, body: UpdateDeployment): Promise<Deployment> {
  return apiRequest(byId(id), { method: 'PATCH', body, schema: deploymentSchema });
}

export function deleteDeployment(id: string): Promise<void> {
  return apiRequest(byId(id), { method: 'DELETE' });
}

/** "Put back into rotation": clears the deployment's cooldown on every instance. */
export function resetDeployment(id: string): Promise<Deployment> {
  return apiRequest(`${byId(id)}/reset`, { method: 'POST', schema: deploymentSchema });
}

export function testDeployment(id: string): Promise<DeploymentTestResult> {
  return apiRequest(`${byId(id)}/test`, { method: 'POST', schema: deploymentTestResultSchema });
}

/** Every deployment's attempts (retries and fallbacks too) over the range ending now. */
export function fetchAttemptStats(range: AttemptRange, signal?: AbortSignal): Promise<AttemptStats> {
  const params = new URLSearchParams({ ...rangeWindow(range), interval: TIME_RANGE_SPECS[range].interval });
  return apiRequest(`/api/stats/attempts?${params}`, { schema: attemptStatsSchema, signal });
}
