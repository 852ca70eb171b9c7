import { hashPassword } from '../auth/password-hasher';
import { createTestApp, type TestApp } from '../testing/test-app';

// The console sends the CSRF header on every change made with its session cookie.
const JSON_HEADERS = { 'content-type': 'application/json', 'x-switchboard-csrf': '1' };

describe('personal admin API tokens', () => {
  let t: TestApp;
  let cookie: string;

  beforeAll(async () => {
    t = await createTestApp();
    await t.db.query(
      `INSERT INTO "Account" (id, email, "displayName", role, status, "passwordHash", "updatedAt")
       VALUES (gen_random_uuid(), 'olga@example.com', 'Olga', 'viewer', 'active', $1, now())`,
      [await hashPassword('olga password 123')],
    );
    const login = await fetch(`${t.url}/api/auth/login`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ email: 'olga@example.com', password: 'olga password 123' }),
    });
    expect(login.status).toBe(200);
    cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  });
  afterAll(async () => {
    await t?.close();
  });

  async function createToken(name: string): Promise<{ token: string; apiToken: { id: string } }> {
    const res = await fetch(`${t.url}/api/me/tokens`, {
      method: 'POST',
      headers: { ...JSON_HEADERS, cookie },
      body: JSON.stringify({ name }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { token: string; apiToken: { id: string } };
  }

  const asToken = (token: string) => ({ authorization: `Bearer ${token}` });

  it("acts with the account's role and names the token in the audit trail", async () => {
    const { token } = await createToken('ci');
    expect(token).toMatch(/^sb-admin-/);
    expect((await fetch(`${t.url}/api/projects`, { headers: asToken(token) })).status).toBe(200);
    const write = await fetch(`${t.url}/api/projects`, {
      method: 'POST',
      headers: { ...asToken(token), ...JSON_HEADERS },
      body: '{"name":"x"}',
    });
    expect(write.status).toBe(403);
    const me = (await (await fetch(`${t.url}/api/me`, { headers: asToken(token) })).json()) as {
      kind: string;
      role: string;
    };
    expect(me).toMatchObject({ kind: 'api-token', role: 'viewer' });

    const { rows } = await t.db.query<{ actor: string }>(
      `SELECT actor FROM "AuditEvent" WHERE action = 'api_token.create'`,
    );
    expect(rows.map((r) => r.actor)).toContain('account:olga@example.com');
    const stored = await t.db.query(`SELECT 1 FROM "ApiToken" WHERE "tokenHash" = $1`, [token]);
    expect(stored.rows).toHaveLength(0);
  });

  it('stops working once revoked', async () => {
    const { token, apiToken } = await createToken('to-revoke');
    expect((await fetch(`${t.url}/api/projects`, { headers: asToken(token) })).status).toBe(200);
    const del = await fetch(`${t.url}/api/me/tokens/${apiToken.id}`, {
      method: 'DELETE',
      headers: { cookie, 'x-switchboard-csrf': '1' },
    });
    expect(del.status).toBe(204);
    expect((await fetch(`${t.url}/api/projects`, { headers: asToken(token) })).status).toBe(401);
    const list = (await (await fetch(`${t.url}/api/me/tokens`, { headers: { cookie } })).json()) as {
      id: string;
    }[];
    expect(list.map((x) => x.id)).not.toContain(apiToken.id);
  });

  it('stops working once expired, or once the account is disabled', async () => {
    const expired = await createToken('expired');
    const other = await createToken('other');
    await t.db.query(`UPDATE "ApiToken" SET "expiresAt" = now() - interval '1 minute' WHERE id = $1`, [
      expired.apiToken.id,
    ]);
    // A fresh instance reads the database at once (look-ups are cached for a few seconds).
    const fresh = await createTestApp({}, t.database);
    try {
      expect((await fetch(`${fresh.url}/api/projects`, { headers: asToken(expired.token) })).status).toBe(
        401,
      );
      expect((await fetch(`${fresh.url}/api/projects`, { headers: asToken(other.token) })).status).toBe(200);
    } finally {
      await fresh.close();
    }
    await t.db.query(`UPDATE "Account" SET status = 'disabled' WHERE email = 'olga@example.com'`);
    const fresh2 = await createTestApp({}, t.database);
    try {
      expect((await fetch(`${fresh2.url}/api/projects`, { headers: asToken(other.token) })).status).toBe(401);
    } finally {
      await fresh2.close();
    }
  });

  it('the master key has no account: /api/me answers 400', async () => {
    const res = await fetch(`${t.url}/api/me/tokens`, { headers: t.adminHeaders });
    expect(res.status).toBe(400);
  });
});
