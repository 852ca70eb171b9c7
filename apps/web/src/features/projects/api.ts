import {
  type CreateProject,
  type Project,
  projectPageSchema,
  projectSchema,
  type UpdateProject,
} from '@switchboard/contracts';
import type { z } from 'zod';
import { apiRequest } from '@/lib/api-client';

export type ProjectPage = z.infer<typeof projectPageSchema>;

export function listProjects(
  { cursor, limit = 50 }: { cursor?: string | null; limit?: number },
  signal?: AbortSignal,
): Promise<ProjectPage> {
  const params = new URLSearchParams({ limit: String(limit) });
  if (cursor) params.set('cursor', cursor);
  return apiRequest(`/api/projects?${params}`, { schema: projectPageSchema, signal });
}

export function getProject(id: string, signal?: AbortSignal): Promise<Project> {
  return apiRequest(`/api/projects/${encodeURIComponent(id)}`, { schema: projectSchema, signal });
}

export function createProject(body: CreateProject): Promise<Project> {
  return apiRequest('/api/projects', { method: 'POST', body, schema: projectSchema });
}

export function updateProject({ id, body }: { id: string; body: UpdateProject }): Promise<Project> {
  return apiRequest(`/api/projects/${encodeURIComponent(id)}`, {
    method: 'PATCH',
    body,
    schema: projectSchema,
  });
}

export function deleteProject(id: string): Promise<void> {
  return apiRequest(`/api/projects/${encodeURIComponent(id)}`, { method: 'DELETE' });
}
