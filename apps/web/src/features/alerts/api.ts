import {
  alertChannelListSchema,
  alertChannelSchema,
  alertEventPageSchema,
  alertRuleListSchema,
  alertRuleSchema,
  alertTestResultSchema,
  deploymentPageSchema,
  modelGroupPageSchema,
  virtualKeyPageSchema,
  type AlertChannel,
  type AlertRule,
  type AlertTestResult,
  type CreateAlertChannel,
  type CreateAlertRule,
  type UpdateAlertChannel,
  type UpdateAlertRule,
} from '@switchboard/contracts';
import type { z } from 'zod';
import { apiRequest } from '@/lib/api-client';

export type AlertEventPage = z.infer<typeof alertEventPageSchema>;

export interface AlertEventListParams {
  ruleId?: string;
  cursor?: string;
  limit: number;
}

export function listAlertChannels(signal?: AbortSignal): Promise<AlertChannel[]> {
  return apiRequest('/api/alerts/channels', { schema: alertChannelListSchema, signal }).then((r) => r.data);
}

export function createAlertChannel(body: CreateAlertChannel): Promise<AlertChannel> {
  return apiRequest('/api/alerts/channels', { method: 'POST', body, schema: alertChannelSchema });
}

export function updateAlertChannel(id: string, body: UpdateAlertChannel): Promise<AlertChannel> {
  return apiRequest(`/api/alerts/channels/${id}`, { method: 'PATCH', body, schema: alertChannelSchema });
}

export function deleteAlertChannel(id: string): Promise<void> {
  return apiRequest(`/api/alerts/channels/${id}`, { method: 'DELETE' });
}

/** Sends a test notification now; the answer says whether the receiver took it. */
export function testAlertChannel(id: string): Promise<AlertTestResult> {
  return apiRequest(`/api/alerts/channels/${id}/test`, { method: 'POST', schema: alertTestResultSchema });
}

export function listAlertRules(signal?: AbortSignal): Promise<AlertRule[]> {
  return apiRequest('/api/alerts/rules', { schema: alertRuleListSchema, signal }).then((r) => r.data);
}

export function createAlertRule(body: CreateAlertRule): Promise<AlertRule> {
  return apiRequest('/api/alerts/rules', { method: 'POST', body, schema: alertRuleSchema });
}

export function updateAlertRule(id: string, body: UpdateAlertRule): Promise<AlertRule> {
  return apiRequest(`/api/alerts/rules/${id}`, { method: 'PATCH', body, schema: alertRuleSchema });
}

export function deleteAlertRule(id: string): Promise<void> {
  return apiRequest(`/api/alerts/rules/${id}`, { method: 'DELETE' });
}

export function listAlertEvents(params: AlertEventListParams, signal?: AbortSignal): Promise<AlertEventPage> {
  const query = new URLSearchParams({ limit: String(params.limit) });
  if (params.ruleId) query.set('ruleId', params.ruleId);
  if (params.cursor) query.set('cursor', params.cursor);
  return apiRequest(`/api/alerts/events?${query.toString()}`, { schema: alertEventPageSchema, signal });
}

/** What a rule can watch: names for the target picker (the API's largest page of each). */
export interface TargetOption {
  value: string;
  label: string;
}

export async function listDeploymentTargets(signal?: AbortSignal): Promise<TargetOption[]> {
  const page = await apiRequest('/api/deployments?limit=500', { schema: deploymentPageSchema, signal });
  return page.data.map((d) => ({ value: d.id, label: `${d.name} (${d.modelGroup})` }));
}

export async function listGroupTargets(signal?: AbortSignal): Promise<TargetOption[]> {
  const page = await apiRequest('/api/model-groups?limit=500', { schema: modelGroupPageSchema, signal });
  return page.data.map((g) => ({ value: g.name, label: g.name }));
}

export async function listKeyTargets(signal?: AbortSignal): Promise<TargetOption[]> {
  const page = await apiRequest('/api/keys?limit=500', { schema: virtualKeyPageSchema, signal });
  return page.data
    .filter((k) => k.maxBudgetUsd !== null)
    .map((k) => ({
      value: k.id,
      label: `${k.alias ?? k.prefix}${k.projectName ? ` (${k.projectName})` : ''}`,
    }));
}
