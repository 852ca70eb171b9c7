import { createTestApp, TEST_MASTER_KEY, type TestApp } from '../testing/test-app';

// The console sends the CSRF header on every change made with its session cookie.
const JSON_HEADERS = { 'content-type': 'application/json', 'x-switchboard-csrf': '1' };

interface Invite {
  account: { id: string; email: string; role: string };
  setPasswordUrl: string;
  expiresAt: string;
}

describe('operator accounts: invites, one-time links, last-admin protection', () => {
  let t: TestApp;
  let adminCookie: string;
  let adminId: string;

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    return fetch(`${t.url}${path}`, {
      method,
      headers: { 'x-switchboard-csrf': '1', ...(body === undefined ? {} : JSON_HEADERS), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }
  const asAdmin = () => ({ cookie: adminCookie });
  const cookieOf = (res: Response) => (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const tokenOf = (invite: Invite) =>
    new URL(invite.setPasswordUrl, 'http://x').searchParams.get('token') ?? '';

  async function invite(email: string, role: string): Promise<Invite> {
    const res = await call('POST', '/api/accounts', { email, displayName: email, role }, asAdmin());
    expect(res.status).toBe(201);
    return (await res.json()) as Invite;
  }

  beforeAll(async () => {
    t = await createTestApp();
    const setup = await call('POST', '/api/auth/setup', {
      email: 'root@example.com',
      displayName: 'Root',
      password: 'root password 123',
      masterKey: TEST_MASTER_KEY,
    });
    expect(setup.status).toBe(201);
    adminCookie = cookieOf(setup);
    const me = (await (await call('GET', '/api/me', undefined, asAdmin())).json()) as {
      account: { id: string };
    };
    adminId = me.account.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('invites an account whose one-time link sets a password once', async () => {
    const inv = await invite('Nina@Example.com', 'operator');
    expect(inv.account).toMatchObject({ email: 'nina@example.com', role: 'operator' });
    const token = tokenOf(inv);
    const stored = await t.db.query(`SELECT 1 FROM "AccountToken" WHERE hash = $1`, [token]);
    expect(stored.rows).toHaveLength(0);

    const set = await call('POST', '/api/auth/set-password', { token, password: 'nina password 123' });
    expect(set.status).toBe(204);
    const again = await call('POST', '/api/auth/set-password', { token, password: 'another password 1' });
    expect(again.status).toBe(400);

    const login = await call('POST', '/api/auth/login', {
      email: 'nina@example.com',
      password: 'nina password 123',
    });
    expect(login.status).toBe(200);
    // Operators cannot manage accounts.
    expect((await call('GET', '/api/accounts', undefined, { cookie: cookieOf(login) })).status).toBe(403);
  });

  it('refuses an expired link', async () => {
    const inv = await invite('late@example.com', 'viewer');
    await t.db.query(
      `UPDATE "AccountToken" SET "expiresAt" = now() - interval '1 second' WHERE "accountId" = $1`,
      [inv.account.id],
    );
    const res = await call('POST', '/api/auth/set-password', {
      token: tokenOf(inv),
      password: 'late password 12',
    });
    expect(res.status).toBe(400);
  });

  it('will not demote or disable the last active admin', async () => {
    const demote = await call('PATCH', `/api/accounts/${adminId}`, { role: 'viewer' }, asAdmin());
    expect(demote.status).toBe(409);
    expect(((await demote.json()) as { error: { code: string } }).error.code).toBe('last_admin');
    const disable = await call('PATCH', `/api/accounts/${adminId}`, { status: 'disabled' }, asAdmin());
    expect(disable.status).toBe(409);
  });

  it('audits role changes with before/after and disabling by the acting account', async () => {
    const inv = await invite('pat@example.com', 'viewer');
    const promote = await call('PATCH', `/api/accounts/${inv.account.id}`, { role: 'operator' }, asAdmin());
    expect(promote.status).toBe(200);
    const disable = await call('PATCH', `/api/accounts/${inv.account.id}`, { status: 'disabled' }, asAdmin());
    expect(disable.status).toBe(200);
    const { rows } = await t.db.query<{
      actor: string;
      action: string;
      before: { role?: string } | null;
      after: { role?: string } | null;
    }>(`SELECT actor, action, before, after FROM "AuditEvent" WHERE "targetId" = $1 ORDER BY "createdAt"`, [
      inv.account.id,
    ]);
    expect(rows.map((r) => r.action)).toEqual(['account.create', 'account.role_change', 'account.disable']);
    expect(rows.every((r) => r.actor === 'account:root@example.com')).toBe(true);
    expect(rows[1]?.before?.role).toBe('viewer');
    expect(rows[1]?.after?.role).toBe('operator');
  });

  it('a password reset ends the sessions and issues a new link', async () => {
    const inv = await invite('rita@example.com', 'viewer');
    await call('POST', '/api/auth/set-password', { token: tokenOf(inv), password: 'rita password 12' });
    const login = await call('POST', '/api/auth/login', {
      email: 'rita@example.com',
      password: 'rita password 12',
    });
    const cookie = cookieOf(login);
    const reset = await call('POST', `/api/accounts/${inv.account.id}/reset-password`, undefined, asAdmin());
    expect(reset.status).toBe(200);
    const { rows } = await t.db.query(`SELECT 1 FROM "AdminSession" WHERE "accountId" = $1`, [
      inv.account.id,
    ]);
    expect(rows).toHaveLength(0);
    const set = await call('POST', '/api/auth/set-password', {
      token: tokenOf((await reset.json()) as Invite),
      password: 'rita new password',
    });
    expect(set.status).toBe(204);
    expect(cookie).not.toBe('');
  });

  it('invites project members only to projects that exist; they see those and nothing else', async () => {
    const unknown = await call(
      'POST',
      '/api/accounts',
      { email: 'pm@example.com', displayName: 'PM', role: 'project-member', projectIds: [adminId] },
      asAdmin(),
    );
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain(`there is no project with id ${adminId}`);

    const project = await fetch(`${t.url}/api/projects`, {
      method: 'POST',
      headers: t.adminHeaders,
      body: JSON.stringify({ name: 'team-app' }),
    });
    const projectId = ((await project.json()) as { id: string }).id;
    const res = await call(
      'POST',
      '/api/accounts',
      { email: 'pm@example.com', displayName: 'PM', role: 'project-member', projectIds: [projectId] },
      asAdmin(),
    );
    expect(res.status).toBe(201);
    const inv = (await res.json()) as Invite;
    await call('POST', '/api/auth/set-password', { token: tokenOf(inv), password: 'pm password 1234' });
    const login = await call('POST', '/api/auth/login', {
      email: 'pm@example.com',
      password: 'pm password 1234',
    });
    const cookie = cookieOf(login);
    const projects = await call('GET', '/api/projects', undefined, { cookie });
    expect(((await projects.json()) as { data: { id: string }[] }).data.map((p) => p.id)).toEqual([
      projectId,
    ]);
    expect((await call('GET', '/api/deployments', undefined, { cookie })).status).toBe(403);
    expect((await call('GET', '/api/me', undefined, { cookie })).status).toBe(200);
  });
});
