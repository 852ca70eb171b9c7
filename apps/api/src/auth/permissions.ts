import { PERMISSIONS, type Permission, type Role } from '@switchboard/contracts';

/** What each role may do. The master key acts as `admin` (break-glass). */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: PERMISSIONS,
  operator: [
    'config:read',
    'config:write',
    'projects:read',
    'projects:write',
    'keys:read',
    'keys:write',
    'usage:read',
    'audit:read',
    'import:write',
  ],
  // Only on PROJECT_SCOPED_ROUTES, whose services narrow everything to the account's projectIds.
  'project-member': ['projects:read', 'keys:read', 'keys:write', 'usage:read'],
  viewer: ['config:read', 'projects:read', 'keys:read', 'usage:read', 'audit:read'],
};

/** `signed-in`: any caller past authentication (the caller's own profile and tokens). */
export type RoutePermission = Permission | 'signed-in';

/**
 * The permission each protected admin route needs, keyed `METHOD /fastify/pattern` (HEAD is checked as
 * GET). Deny by default: a protected route missing here is allowed for `admin` only, and the route-walk
 * test fails until it is added, so a new route is a decision, not an accident.
 */
export const ROUTE_PERMISSIONS: Readonly<Record<string, RoutePermission>> = {
  'GET /api/deployments': 'config:read',
  'POST /api/deployments': 'config:write',
  'GET /api/deployments/:id': 'config:read',
  'PATCH /api/deployments/:id': 'config:write',
  'DELETE /api/deployments/:id': 'config:write',
  'POST /api/deployments/:id/reset': 'config:write',
  // Sends a real (billed) request upstream.
  'POST /api/deployments/:id/test': 'config:write',
  // Sends a real (billed) chat as any key, or as the master key with no limits: those who may change the
  // routing may spend through it. Not project-scoped: a project member cannot use it.
  'POST /api/playground/chat': 'config:write',
  'GET /api/model-groups': 'config:read',
  'POST /api/model-groups': 'config:write',
  'GET /api/model-groups/:name': 'config:read',
  'PATCH /api/model-groups/:name': 'config:write',
  'PUT /api/model-groups/:name/routing': 'config:write',
  'DELETE /api/model-groups/:name': 'config:write',
  'GET /api/alerts/channels': 'config:read',
  'POST /api/alerts/channels': 'config:write',
  'PATCH /api/alerts/channels/:id': 'config:write',
  'DELETE /api/alerts/channels/:id': 'config:write',
  // Sends a real notification to the channel's receiver.
  'POST /api/alerts/channels/:id/test': 'config:write',
  'GET /api/alerts/rules': 'config:read',
  'POST /api/alerts/rules': 'config:write',
  'PATCH /api/alerts/rules/:id': 'config:write',
  'DELETE /api/alerts/rules/:id': 'config:write',
  'GET /api/alerts/events': 'config:read',
  'GET /api/prices': 'config:read',
  'PUT /api/prices/:model': 'config:write',
  'DELETE /api/prices/:model': 'config:write',
  'GET /api/projects': 'projects:read',
  'POST /api/projects': 'projects:write',
  'GET /api/projects/:id': 'projects:read',
  'PATCH /api/projects/:id': 'projects:write',
  'DELETE /api/projects/:id': 'projects:write',
  'GET /api/keys': 'keys:read',
  'POST /api/keys': 'keys:write',
  'GET /api/keys/:id': 'keys:read',
  // Names only, for the key form's model picker.
  'GET /api/keys/models': 'keys:read',
  'PATCH /api/keys/:id': 'keys:write',
  'POST /api/keys/:id/revoke': 'keys:write',
  'POST /api/keys/:id/rotate': 'keys:write',
  'GET /api/logs': 'usage:read',
  'GET /api/logs/:id': 'usage:read',
  'GET /api/stats/distribution': 'usage:read',
  'GET /api/stats/summary': 'usage:read',
  'GET /api/stats/end-users': 'usage:read',
  'GET /api/stats/attempts': 'config:read',
  'GET /api/logs/export': 'usage:read',
  'GET /api/audit': 'audit:read',
  'POST /api/import/litellm': 'import:write',
  // The whole routing configuration in one file: those who may import it may export it.
  'GET /api/export/litellm': 'import:write',
  // LiteLLM-compatible admin routes, for scripts written against LiteLLM's proxy.
  'POST /key/generate': 'keys:write',
  'GET /key/info': 'keys:read',
  'POST /key/delete': 'keys:write',
  'POST /model/new': 'config:write',
  'GET /model/info': 'config:read',
  'POST /model/delete': 'config:write',
  'GET /api/accounts': 'accounts:read',
  'POST /api/accounts': 'accounts:write',
  'GET /api/accounts/:id': 'accounts:read',
  'PATCH /api/accounts/:id': 'accounts:write',
  'POST /api/accounts/:id/reset-password': 'accounts:write',
  // The caller's own account (the master key has none: those answer 400).
  'GET /api/me': 'signed-in',
  'POST /api/me/password': 'signed-in',
  'POST /api/me/sessions/revoke': 'signed-in',
  'GET /api/me/tokens': 'signed-in',
  'POST /api/me/tokens': 'signed-in',
  'DELETE /api/me/tokens/:id': 'signed-in',
};

/**
 * Routes whose services narrow every read and write to the caller's projects (`ProjectScope`). A caller
 * limited to some projects (a project member) may use only these and the `signed-in` routes: anything
 * else fails closed whatever its permission, so a new route is unscoped until someone scopes it.
 */
export const PROJECT_SCOPED_ROUTES: ReadonlySet<string> = new Set([
  'GET /api/projects',
  'GET /api/projects/:id',
  'GET /api/keys',
  'POST /api/keys',
  'GET /api/keys/:id',
  'GET /api/keys/models',
  'PATCH /api/keys/:id',
  'POST /api/keys/:id/revoke',
  'POST /api/keys/:id/rotate',
  'GET /api/logs',
  'GET /api/logs/export',
  'GET /api/logs/:id',
  'GET /api/stats/distribution',
  'GET /api/stats/summary',
  'GET /api/stats/end-users',
]);

/** The permission a route needs, or null when the table does not name it (then only `admin` may call it). */
export function routePermission(method: string, routePattern: string): RoutePermission | null {
  const verb = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  return ROUTE_PERMISSIONS[`${verb} ${routePattern}`] ?? null;
}

/** Whether a caller limited to some projects may call the route (see PROJECT_SCOPED_ROUTES). */
export function routeIsProjectScoped(method: string, routePattern: string): boolean {
  const verb = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  return (
    ROUTE_PERMISSIONS[`${verb} ${routePattern}`] === 'signed-in' ||
    PROJECT_SCOPED_ROUTES.has(`${verb} ${routePattern}`)
  );
}

/** Whether `role` may call a route needing `permission` (null: a route missing from the table). */
export function roleAllows(role: Role, permission: RoutePermission | null): boolean {
  if (permission === null) return role === 'admin';
  if (permission === 'signed-in') return true;
  return ROLE_PERMISSIONS[role].includes(permission);
}
