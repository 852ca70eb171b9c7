import { auditEventPageSchema } from '@switchboard/contracts';
import type { z } from 'zod';
import { apiRequest } from '@/lib/api-client';

export type AuditEventPage = z.infer<typeof auditEventPageSchema>;

export interface AuditFilters {
  targetType?: string;
  action?: string;
  targetId?: string;
}

export function listAuditEvents(
  filters: AuditFilters,
  { cursor, limit }: { cursor: string | null; limit: number },
  signal?: AbortSignal,
): Promise<AuditEventPage> {
  const params = new URLSearchParams({ limit: String(limit) });
  if (filters.targetType) params.set('targetType', filters.targetType);
  if (filters.action) params.set('action', filters.action);
  if (filters.targetId) params.set('targetId', filters.targetId);
  if (cursor) params.set('cursor', cursor);
  return apiRequest(`/api/audit?${params}`, { schema: auditEventPageSchema, signal });
}
