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

export function callerPermissions(caller: AdminCaller): readonly Permission[] {
  return ROLE_PERMISSIONS[caller.role];
}

declare module 'fastify' {
  interface FastifyRequest {
    caller?: AdminCaller;
  }
}
