import { createHash } from 'node:crypto';
import { addAccount, loginCookie } from '../accounts/testing/accounts';
import { createTestApp, TEST_MASTER_KEY, type TestApp } from '../testing/test-app';
import { adminCall, createKey, uniqueName } from '../keys/testing/admin-client';
import { ADMIN_AUTH_OPTIONS, type AdminAuthOptions } from './auth-options';

/** Each test signs in from its own address, so the per-address failure limit never mixes tests. */
let nextAddress = 1;
const address = () => `198.51.100.${nextAddress++}`;

async function login(t: TestApp, masterKey: string, headers: Record<string, string> = {}) {
  return adminCall<{ expiresAt: string; error?: { code: string; message: string } }>(
    t,
    'POST',
    '/api/auth/login',
    { masterKey },
    { 'x-forwarded-for': address(), ...headers },
  );
}

/** What the session probe answers with these headers; it is 200 whether or not anyone is signed in. */
async function probe(t: TestApp, headers: Record<string, string>) {
  const res = await adminCall(t, 'GET', '/api/auth/session', undefined, headers);
  expect(res.status).toBe(200);
  return res.body as { authenticated: boolean; [field: string]: unknown };
}

function sessionCookie(setCookie: string | null): string {
  const match = /^sb_session=([^;]+)/.exec(setCookie ?? '');
  if (!match) throw new Error(`no session cookie in ${setCookie}`);
  return `sb_session=${match[1]}`;
}

describe('console sign-in (real PostgreSQL)', () => {
  let t: TestApp;
  let options: AdminAuthOptions;

  beforeAll(async () => {
    t = await createTestApp({ trustProxy: ['127.0.0.1'] });
    options = t.app.get<AdminAuthOptions>(ADMIN_AUTH_OPTIONS);
  });
  afterAll(async () => {
    await t?.close();
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('signs in with the master key: httpOnly Lax cookie, 12 h, only the token hash stored', async () => {
    const res = await login(t, TEST_MASTER_KEY);
    expect(res.status).toBe(200);
    const expiresAt = new Date(res.body.expiresAt).getTime();
    expect(expiresAt - Date.now()).toBeGreaterThan(12 * 3600_000 - 60_000);
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(
      /^sb_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=43200; SameSite=Lax; HttpOnly$/,
    );

    const token = sessionCookie(setCookie).slice('sb_session='.length);
    const { rows } = await t.db.query(`SELECT id, "tokenHash" FROM "AdminSession"`);
    const stored = rows.find((r) => r.tokenHash === createHash('sha256').update(token).digest('hex'));
    expect(stored).toBeDefined();
    expect(JSON.stringify(rows)).not.toContain(token);

    const session = await adminCall(t, 'GET', '/api/auth/session', undefined, {
      cookie: sessionCookie(setCookie),
    });
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({
      authenticated: true,
      kind: 'master-key',
      role: 'admin',
      account: null,
      expiresAt: res.body.expiresAt,
    });
  });

  it('marks the cookie Secure when the request came over https', async () => {
    const res = await login(t, TEST_MASTER_KEY, { 'x-forwarded-proto': 'https' });
    expect(res.headers.get('set-cookie')).toMatch(/; HttpOnly; Secure$/);
  });

  it('refuses a wrong master key with 401 invalid_credentials and no cookie', async () => {
    const res = await login(t, 'not-the-master-key');
    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe('invalid_credentials');
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await probe(t, {})).toEqual({ authenticated: false });
  });

  it('answers the session probe with 200: authenticated false when signed out, the caller when signed in', async () => {
    const signedOut = await adminCall(t, 'GET', '/api/auth/session', undefined, {});
    expect(signedOut.status).toBe(200);
    expect(signedOut.body).toEqual({ authenticated: false });
    expect(signedOut.headers.get('set-cookie')).toBeNull();
    // A well-formed token that names no session is signed out too, not an error.
    expect(await probe(t, { cookie: `sb_session=${'A'.repeat(43)}` })).toEqual({ authenticated: false });
    // Only the probe answers without a session: the admin routes still refuse.
    expect((await adminCall(t, 'GET', '/api/projects', undefined, {})).status).toBe(401);

    const signedIn = await login(t, TEST_MASTER_KEY);
    expect(await probe(t, { cookie: sessionCookie(signedIn.headers.get('set-cookie')) })).toEqual({
      authenticated: true,
      kind: 'master-key',
      account: null,
      role: 'admin',
      permissions: expect.arrayContaining(['config:write', 'accounts:write']),
      projectIds: null,
      expiresAt: signedIn.body.expiresAt,
    });

    const accountId = await addAccount(t, 'olive@example.com', 'operator');
    const asAccount = await probe(t, { cookie: await loginCookie(t, 'olive@example.com') });
    expect(asAccount).toMatchObject({
      authenticated: true,
      kind: 'account',
      role: 'operator',
      account: { id: accountId, email: 'olive@example.com', role: 'operator' },
    });
    expect(asAccount.permissions).toContain('config:write');
    expect(asAccount.permissions).not.toContain('accounts:read');
  });

  it('lets a session cookie use admin routes, audited as session:<id>; a virtual key never passes', async () => {
    const cookie = sessionCookie((await login(t, TEST_MASTER_KEY)).headers.get('set-cookie'));
    const name = uniqueName('via-cookie');
    const created = await adminCall(
      t,
      'POST',
      '/api/projects',
      { name },
      { cookie, 'x-switchboard-csrf': '1' },
    );
    expect(created.status).toBe(201);
    const { rows } = await t.db.query(
      `SELECT actor FROM "AuditEvent" WHERE action = 'project.create' AND "targetId" = $1`,
      [created.body.id],
    );
    expect(rows[0].actor).toMatch(/^session:[0-9a-f-]{36}$/);

    const key = await createKey(t);
    const asKey = await adminCall(t, 'GET', '/api/projects', undefined, {
      authorization: `Bearer ${key.key}`,
    });
    expect(asKey.status).toBe(401);
    expect(asKey.body.error.message).toMatch(/Virtual keys only work on the OpenAI-compatible API/);
    // A wrong bearer token is refused even next to a valid cookie.
    expect(
      (await adminCall(t, 'GET', '/api/projects', undefined, { authorization: `Bearer ${key.key}`, cookie }))
        .status,
    ).toBe(401);
    expect(
      (await adminCall(t, 'GET', '/api/projects', undefined, { cookie: 'sb_session=forged' })).status,
    ).toBe(401);
    expect((await adminCall(t, 'GET', '/api/projects', undefined, {})).status).toBe(401);
  });

  it('signs out: 204, session deleted, cookie cleared, the old cookie no longer works', async () => {
    const cookie = sessionCookie((await login(t, TEST_MASTER_KEY)).headers.get('set-cookie'));
    expect((await adminCall(t, 'GET', '/api/projects', undefined, { cookie })).status).toBe(200);
    const out = await adminCall(t, 'POST', '/api/auth/logout', undefined, {
      cookie,
      'x-switchboard-csrf': '1',
    });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^sb_session=; Path=\/; Max-Age=0;/);
    expect(await probe(t, { cookie })).toEqual({ authenticated: false });
    expect((await adminCall(t, 'GET', '/api/projects', undefined, { cookie })).status).toBe(401);
    const { rows } = await t.db.query(
      `SELECT action FROM "AuditEvent" WHERE "targetType" = 'admin_session' ORDER BY id DESC LIMIT 1`,
    );
    expect(rows[0].action).toBe('auth.logout');
  });

  it('expires sessions after 12 h, and extends one used after half its life', async () => {
    const signedIn = await login(t, TEST_MASTER_KEY);
    const cookie = sessionCookie(signedIn.headers.get('set-cookie'));
    const start = Date.now();

    jest.spyOn(options.clock, 'now').mockReturnValue(start + 3 * 3600_000);
    const early = await adminCall(t, 'GET', '/api/auth/session', undefined, { cookie });
    expect(early.body.expiresAt).toBe(signedIn.body.expiresAt); // not yet half-way: unchanged
    expect(early.headers.get('set-cookie')).toBeNull();

    jest.spyOn(options.clock, 'now').mockReturnValue(start + 7 * 3600_000);
    const refreshed = await adminCall(t, 'GET', '/api/auth/session', undefined, { cookie });
    expect(refreshed.status).toBe(200);
    expect(new Date(refreshed.body.expiresAt).getTime()).toBe(start + 19 * 3600_000);
    expect(refreshed.headers.get('set-cookie')).toMatch(/Max-Age=43200/);

    jest.spyOn(options.clock, 'now').mockReturnValue(start + 19 * 3600_000 + 1);
    expect(await probe(t, { cookie })).toEqual({ authenticated: false });
    expect((await adminCall(t, 'GET', '/api/projects', undefined, { cookie })).status).toBe(401);
  });

  it('limits failed sign-ins per address: the 11th attempt gets 429 even with the right key', async () => {
    const from = { 'x-forwarded-for': '203.0.113.77' };
    const failures = await Promise.all(Array.from({ length: 10 }, () => login(t, 'guess', from)));
    expect(failures.map((r) => r.status)).toEqual(Array(10).fill(401));
    const locked = await login(t, TEST_MASTER_KEY, from);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(800);
    expect((await login(t, TEST_MASTER_KEY)).status).toBe(200); // another address
  });
});
