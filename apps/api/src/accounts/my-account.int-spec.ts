import { createTestApp, type TestApp } from '../testing/test-app';
import { addAccount, CSRF_HEADER, loginCookie, TEST_PASSWORD } from './testing/accounts';

/** My account: change the password (other sessions end), and sign out everywhere. */
describe('my account: password change and signing out everywhere', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  async function post(path: string, cookie: string, body?: unknown) {
    return fetch(`${t.url}${path}`, {
      method: 'POST',
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...CSRF_HEADER,
        cookie,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }
  const signedIn = async (cookie: string) =>
    (await fetch(`${t.url}/api/me`, { headers: { cookie } })).status === 200;

  it('changes the password with the current one, keeps this session and ends the others', async () => {
    await addAccount(t, 'pw@example.com', 'viewer');
    const here = await loginCookie(t, 'pw@example.com');
    const elsewhere = await loginCookie(t, 'pw@example.com');

    const wrong = await post('/api/me/password', here, {
      currentPassword: 'not my password',
      newPassword: 'a brand new passphrase',
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('currentPassword');
    const short = await post('/api/me/password', here, {
      currentPassword: TEST_PASSWORD,
      newPassword: 'short',
    });
    expect(short.status).toBe(400);

    const ok = await post('/api/me/password', here, {
      currentPassword: TEST_PASSWORD,
      newPassword: 'a brand new passphrase',
    });
    expect(ok.status).toBe(204);
    expect(await signedIn(here)).toBe(true);
    // Other instances trust their cached look-up for at most sessionCacheMs; this one ends it now.
    expect(await signedIn(elsewhere)).toBe(false);

    const oldPassword = await fetch(`${t.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...CSRF_HEADER },
      body: JSON.stringify({ email: 'pw@example.com', password: TEST_PASSWORD }),
    });
    expect(oldPassword.status).toBe(401);
    const audit = await t.db.query<{ action: string; actor: string }>(
      `SELECT action, actor FROM "AuditEvent" WHERE action = 'account.password_change'`,
    );
    expect(audit.rows).toEqual([{ action: 'account.password_change', actor: 'account:pw@example.com' }]);
  });

  it('signs out everywhere: every session of the account ends, the cookie is cleared', async () => {
    await addAccount(t, 'everywhere@example.com', 'operator');
    const a = await loginCookie(t, 'everywhere@example.com');
    const b = await loginCookie(t, 'everywhere@example.com');
    await addAccount(t, 'bystander@example.com', 'viewer');
    const bystander = await loginCookie(t, 'bystander@example.com');

    const res = await post('/api/me/sessions/revoke', a);
    expect(res.status).toBe(204);
    expect(res.headers.get('set-cookie')).toMatch(/sb_session=;.*Max-Age=0/i);
    expect(await signedIn(a)).toBe(false);
    expect(await signedIn(b)).toBe(false);
    expect(await signedIn(bystander)).toBe(true);
  });

  it('refuses the master key, which has no account', async () => {
    const res = await fetch(`${t.url}/api/me/sessions/revoke`, {
      method: 'POST',
      headers: { authorization: t.adminHeaders.authorization! },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/master key/i);
  });
});
