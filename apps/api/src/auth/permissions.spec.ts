import { PERMISSIONS } from '@switchboard/contracts';
import { ROLE_PERMISSIONS, ROUTE_PERMISSIONS, roleAllows, routePermission } from './permissions';

describe('role and route permissions', () => {
  it('gives admin every permission and a route missing from the table to admin only', () => {
    expect([...ROLE_PERMISSIONS.admin].sort()).toEqual([...PERMISSIONS].sort());
    expect(routePermission('POST', '/api/not-in-the-table')).toBeNull();
    expect(roleAllows('admin', null)).toBe(true);
    expect(roleAllows('operator', null)).toBe(false);
    expect(roleAllows('viewer', null)).toBe(false);
    expect(roleAllows('project-member', null)).toBe(false);
  });

  it('keeps project members to projects, keys and usage', () => {
    expect([...ROLE_PERMISSIONS['project-member']].sort()).toEqual([
      'keys:read',
      'keys:write',
      'projects:read',
      'usage:read',
    ]);
  });

  it('lets viewers only read, and never accounts or settings', () => {
    for (const p of ROLE_PERMISSIONS.viewer) expect(p.endsWith(':read')).toBe(true);
    expect(ROLE_PERMISSIONS.viewer).not.toContain('accounts:read');
  });

  it('keeps accounts and settings for admin', () => {
    for (const role of ['operator', 'viewer', 'project-member'] as const) {
      expect(ROLE_PERMISSIONS[role]).not.toContain('accounts:write');
      expect(ROLE_PERMISSIONS[role]).not.toContain('settings:write');
    }
  });

  it('checks HEAD as GET and maps the cooldown reset to config:write', () => {
    expect(routePermission('HEAD', '/api/deployments')).toBe('config:read');
    expect(routePermission('POST', '/api/deployments/:id/reset')).toBe('config:write');
    expect(Object.values(ROUTE_PERMISSIONS).every((p) => p === 'signed-in' || PERMISSIONS.includes(p))).toBe(
      true,
    );
  });
});
