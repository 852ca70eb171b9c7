import type { Caller, Role } from './schemas';

export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  admin: 'Admin',
  operator: 'Operator',
  'project-member': 'Project member',
  viewer: 'Viewer',
};

export const ROLE_DESCRIPTIONS: Readonly<Record<Role, string>> = {
  admin: 'Everything, including accounts.',
  operator: 'Deployments, model groups, projects, keys, import, usage and audit; not accounts.',
  'project-member': 'Only the chosen projects: their usage and logs, and issuing or revoking their keys.',
  viewer: 'Read-only: configuration, projects, keys, usage and audit. No secrets.',
};

/** "Ada Lovelace", or what signed in when there is no account. */
export function callerName(caller: Caller): string {
  if (caller.account) return caller.account.displayName;
  return caller.kind === 'master-key' ? 'Master key' : 'API token';
}
