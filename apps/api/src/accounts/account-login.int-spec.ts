import { hashPassword } from '../auth/password-hasher';
import { createTestApp, TEST_MASTER_KEY, type TestApp } from '../testing/test-app';

// The console sends the CSRF header on every change made with its session cookie.
const JSON_HEADERS = { 'content-type': 'application/json', 'x-switchboard-csrf': '1' };

function cookieOf(res: Response): string {
  const set = res.headers.get('set-cookie') ?? '';
  return set.split(';')[0] ?? '';
}

async function post(t: TestApp, path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${t.url}${path}`, {
    method: 'POST',
    headers: { ...JSON_HEADERS, ...headers },
    body: JSON.stringify(body),
  });
}

describe('operator accounts: first admin, password sign-in, roles', () => {
  let t: TestApp;
  const admin = { email: 'Ada@Example.com', displayName: 'Ada', password: 'correct horse battery' };

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  async function addAccount(email: string, role: string, password: string, projectIds: string[] = []) {
    await t.db.query(
      `INSERT INTO "Account" (id, email, "displayName", role, "projectIds", status, "passwordHash", "updatedAt")
       VALUES (gen_random_uuid(), $1, $1, $2, $3::uuid[], 'active', $4, now())`,
      [email, role, projectIds, await hashPassword(password)],
    );
  }

  it('creates the first admin with the master key, once, and signs them in', async () => {
    const before = (await (await fetch(`${t.url}/api/auth/options`)).json()) as { needsFirstAdmin: boolean };
    expect(before).toEqual({ needsFirstAdmin: true, sso: { enabled: false, label: 'Single sign-on' } });

    const wrongKey = await post(t, '/api/auth/setup', { ...admin, masterKey: 'not-it' });
    expect(wrongKey.status).toBe(401);

    const res = await post(t, '/api/auth/setup', { ...admin, masterKey: TEST_MASTER_KEY });
    expect(res.status).toBe(201);
    const session = await fetch(`${t.url}/api/auth/session`, { headers: { cookie: cookieOf(res) } });
    const caller = (await session.json()) as Record<string, unknown>;
    expect(caller).toMatchObject({
      authenticated: true,
      kind: 'account',
      role: 'admin',
      projectIds: null,
      account: { email: 'ada@example.com', role: 'admin', hasPassword: true },
    });
    expect(JSON.stringify(caller)).not.toContain('argon2');

    const again = await post(t, '/api/auth/setup', {
      ...admin,
      email: 'eve@example.com',
      masterKey: TEST_MASTER_KEY,
    });
    expect(again.status).toBe(409);
    const after = (await (await fetch(`${t.url}/api/auth/options`)).json()) as { needsFirstAdmin: boolean };
    expect(after.needsFirstAdmin).toBe(false);
  });

  it('signs in with email and password, refuses a wrong one, and audits both by account', async () => {
    const wrong = await post(t, '/api/auth/login', { email: admin.email, password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('invalid_credentials');

    const res = await post(t, '/api/auth/login', { email: 'ADA@example.com', password: admin.password });
    expect(res.status).toBe(200);
    const projects = await fetch(`${t.url}/api/projects`, { headers: { cookie: cookieOf(res) } });
    expect(projects.status).toBe(200);

    const { rows } = await t.db.query<{ actor: string; action: string; after: unknown }>(
      `SELECT actor, action, after FROM "AuditEvent" WHERE action IN ('auth.login', 'auth.login_failed') ORDER BY "createdAt"`,
    );
    expect(rows.some((r) => r.action === 'auth.login' && r.actor === 'account:ada@example.com')).toBe(true);
    const failed = rows.find((r) => r.action === 'auth.login_failed');
    expect(failed?.after).toMatchObject({ email: 'ada@example.com' });
    expect(JSON.stringify(rows)).not.toContain('not the password');

    const { rows: accounts } = await t.db.query<{ lastLoginAt: Date | null }>(
      `SELECT "lastLoginAt" FROM "Account" WHERE email = 'ada@example.com'`,
    );
    expect(accounts[0]?.lastLoginAt).not.toBeNull();
  });

  it('refuses an unknown email like a wrong password', async () => {
    const res = await post(t, '/api/auth/login', { email: 'nobody@example.com', password: 'whatever-123' });
    expect(res.status).toBe(401);
  });

  it('a viewer may read but not write, and is told which permission is missing', async () => {
    await addAccount('vic@example.com', 'viewer', 'viewer password 1');
    const login = await post(t, '/api/auth/login', {
      email: 'vic@example.com',
      password: 'viewer password 1',
    });
    expect(login.status).toBe(200);
    const cookie = cookieOf(login);
    expect((await fetch(`${t.url}/api/projects`, { headers: { cookie } })).status).toBe(200);
    const write = await post(t, '/api/projects', { name: 'not allowed' }, { cookie });
    expect(write.status).toBe(403);
    const body = (await write.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('forbidden');
    expect(body.error.message).toContain('projects:write');
  });

  it('a disabled account cannot sign in, and its open sessions stop working', async () => {
    await addAccount('dan@example.com', 'operator', 'operator password 1');
    const login = await post(t, '/api/auth/login', {
      email: 'dan@example.com',
      password: 'operator password 1',
    });
    const cookie = cookieOf(login);
    expect((await fetch(`${t.url}/api/projects`, { headers: { cookie } })).status).toBe(200);

    await t.db.query(`UPDATE "Account" SET status = 'disabled' WHERE email = 'dan@example.com'`);
    const again = await post(t, '/api/auth/login', {
      email: 'dan@example.com',
      password: 'operator password 1',
    });
    expect(again.status).toBe(401);
    // The session look-up is cached for a few seconds; a new app instance reads the database at once.
    const other = await createTestApp({}, t.database);
    try {
      expect((await fetch(`${other.url}/api/projects`, { headers: { cookie } })).status).toBe(401);
    } finally {
      await other.close();
    }
    const { rows } = await t.db.query(
      `SELECT 1 FROM "AdminSession" s JOIN "Account" a ON a.id = s."accountId" WHERE a.email = 'dan@example.com'`,
    );
    expect(rows).toHaveLength(0);
  });
});
