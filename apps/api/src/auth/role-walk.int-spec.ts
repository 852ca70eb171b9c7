import { addAccount, apiTokenFor, CSRF_HEADER as CSRF, loginCookie } from '../accounts/testing/accounts';
import { createTestApp, type TestApp } from '../testing/test-app';
import { ROUTE_PERMISSIONS } from './permissions';

/**
 * Walks every protected admin route (admin-routes.int-spec.ts checks that ROUTE_PERMISSIONS names exactly
 * the registered ones) as every kind of caller, and compares what each was let through with a statement
 * of the roles written here independently of the permission table.
 */

const PARAM_VALUE = '3f2b8c1e-5d4a-4b6f-9e7d-0a1b2c3d4e5f';

// Signing out everywhere ends the walking session itself: walked last.
const SIGN_OUT_EVERYWHERE = 'POST /api/me/sessions/revoke';
const ROUTES = [
  ...Object.keys(ROUTE_PERMISSIONS)
    .filter((r) => r !== SIGN_OUT_EVERYWHERE)
    .sort(),
  SIGN_OUT_EVERYWHERE,
];
const isAccounts = (r: string): boolean => r.includes(' /api/accounts');
const isMe = (r: string): boolean => r.includes(' /api/me');
const isRead = (r: string): boolean => r.startsWith('GET ');

/** What each role may call, in words: the test's own statement of the roles, not the table's. */
const EXPECTED: Record<string, (route: string) => boolean> = {
  admin: () => true,
  operator: (r) => !isAccounts(r),
  // Read-only, without accounts and without the export (it is the whole configuration, for importers).
  viewer: (r) => isMe(r) || (isRead(r) && !isAccounts(r) && r !== 'GET /api/export/litellm'),
  // Their projects, their keys (issue, edit, rotate, revoke) and their usage; nothing else.
  'project-member': (r) =>
    isMe(r) ||
    [
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
    ].includes(r),
};

type Outcome = 'admitted' | 'forbidden' | 'unauthenticated';

describe('every admin route for every kind of caller', () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  let adminCookie = '';
  let virtualKey = '';

  /** The guard's verdict on one route: 401/429 unauthenticated, 403 forbidden, anything else admitted. */
  async function call(route: string, headers: Record<string, string>): Promise<Outcome> {
    const [method, pattern] = route.split(' ') as [string, string];
    const withBody = ['POST', 'PUT', 'PATCH'].includes(method);
    const res = await fetch(`${t.url}${pattern.replace(/:[A-Za-z0-9_]+/g, PARAM_VALUE)}`, {
      method,
      headers: { ...headers, ...(withBody ? { 'content-type': 'application/json' } : {}) },
      body: withBody ? '{}' : undefined,
    });
    const body = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
    if (res.status === 401 || res.status === 429) return 'unauthenticated';
    if (res.status === 403) {
      expect(body.error?.code).toBe('forbidden');
      return 'forbidden';
    }
    return 'admitted';
  }

  async function walk(headers: Record<string, string>): Promise<Record<Outcome, string[]>> {
    const seen: Record<Outcome, string[]> = { admitted: [], forbidden: [], unauthenticated: [] };
    for (const route of ROUTES) seen[await call(route, headers)].push(route);
    return seen;
  }

  beforeAll(async () => {
    t = await createTestApp();
    const project = await fetch(`${t.url}/api/projects`, {
      method: 'POST',
      headers: t.adminHeaders,
      body: JSON.stringify({ name: 'walk' }),
    });
    const projectId = ((await project.json()) as { id: string }).id;
    const key = await fetch(`${t.url}/api/keys`, {
      method: 'POST',
      headers: t.adminHeaders,
      body: JSON.stringify({ projectId }),
    });
    virtualKey = ((await key.json()) as { key: string }).key;

    await addAccount(t, 'admin@example.com', 'admin');
    await addAccount(t, 'operator@example.com', 'operator');
    await addAccount(t, 'viewer@example.com', 'viewer');
    await addAccount(t, 'member@example.com', 'project-member', [projectId]);
    const disabled = await addAccount(t, 'disabled@example.com', 'operator');
    const expired = await addAccount(t, 'expired@example.com', 'operator');
    adminCookie = await loginCookie(t, 'admin@example.com');
    for (const role of ['operator', 'viewer']) tokens[role] = await apiTokenFor(t, `${role}@example.com`);
    tokens['project-member'] = await apiTokenFor(t, 'member@example.com');
    tokens.disabled = await apiTokenFor(t, 'disabled@example.com');
    tokens.expired = await apiTokenFor(t, 'expired@example.com');
    await t.db.query(`UPDATE "Account" SET status = 'disabled' WHERE id = $1`, [disabled]);
    await t.db.query(
      `UPDATE "ApiToken" SET "expiresAt" = now() - interval '1 minute' WHERE "accountId" = $1`,
      [expired],
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  it('walks a table that names every kind of admin route', () => {
    expect(ROUTES.length).toBeGreaterThan(45);
    expect(ROUTES.filter(isAccounts).length).toBeGreaterThan(3);
    // Changes what requests cost: operators and admins may (a write), viewers may not.
    expect(ROUTES).toEqual(expect.arrayContaining(['PUT /api/prices/:model', 'DELETE /api/prices/:model']));
  });

  it('admits the master key everywhere (break-glass admin)', async () => {
    const seen = await walk({ authorization: `Bearer ${t.config.masterKey}` });
    expect(seen.admitted).toEqual(ROUTES);
  });

  it('admits an admin account (console session) everywhere', async () => {
    const seen = await walk({ cookie: adminCookie, ...CSRF });
    expect(seen.admitted).toEqual(ROUTES);
  });

  it.each(['operator', 'viewer', 'project-member'])(
    'admits %s exactly where the role allows and answers 403 elsewhere',
    async (role) => {
      const seen = await walk({ authorization: `Bearer ${tokens[role]}` });
      expect(seen.admitted).toEqual(ROUTES.filter(EXPECTED[role]!));
      expect(seen.forbidden).toEqual(ROUTES.filter((r) => !EXPECTED[role]!(r)));
      expect(seen.unauthenticated).toEqual([]);
    },
  );

  it.each([
    ['nobody (no credentials)', (): Record<string, string> => ({})],
    ['a virtual key', (): Record<string, string> => ({ authorization: `Bearer ${virtualKey}` })],
    ['a disabled account', (): Record<string, string> => ({ authorization: `Bearer ${tokens.disabled}` })],
    ['an expired API token', (): Record<string, string> => ({ authorization: `Bearer ${tokens.expired}` })],
  ])('refuses %s on every route', async (_who, headers) => {
    const seen = await walk(headers());
    expect(seen.admitted).toEqual([]);
    expect(seen.forbidden).toEqual([]);
  });
});
