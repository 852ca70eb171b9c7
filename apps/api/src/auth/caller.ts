import type { Permission, Role } from '@switchboard/contracts';
import { ROLE_PERMISSIONS } from './permissions';

/** Who is calling the admin API, as the guard resolved it; put on `request.caller`. */
export interface AdminCaller {
  kind: 'master-key' | 'account' | 'api-token';
  role: Role;
  /** The account acted for; null for the master key. */
  accountId: string | null;
  /** For `project-member`: the projects in scope; null = all projects. */
  projectIds: readonly string[] | null;
  /** The audit trail's name for the caller (`master-key`, `account:<email>`, `api-token:<name> (<email>)`). */
  actor: string;
}

/** The master key and sessions opened with it act as `admin` (break-glass). */
export function masterKeyCaller(actor: string): AdminCaller {
  return { kind: 'master-key', role: 'admin', accountId: null, projectIds: null, actor };
}

/** The projects a caller may see and change: null = every project (every role but `project-member`). */
export type ProjectScope = readonly string[] | null;

/** Whether `projectId` (null: a row that belongs to no project) is inside `scope`. */
export function inScope(scope: ProjectScope, projectId: string | null): boolean {
  return scope === null || (projectId !== null && scope.includes(projectId));
}

/** One project asked for, narrowed to the caller's projects (`scope`, null: any). */
export function projectWhere(
  projectId: string | undefined,
  scope: ProjectScope,
): string | { in: string[] } | undefined {
  if (scope === null) return projectId;
  return { in: projectId === undefined ? [...scope] : scope.filter((id) => id === projectId) };
}

export function callerPermissions(caller: AdminCaller): readonly Permission[] {
  return ROLE_PERMISSIONS[caller.role];
}

declare module 'fastify' {
  interface FastifyRequest {
    caller?: AdminCaller;
  }
}
