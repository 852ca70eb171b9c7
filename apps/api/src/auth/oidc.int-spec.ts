import { createTestApp, type TestApp } from '../testing/test-app';
import { type OidcTestProvider, startOidcTestProvider } from '../testing/oidc-test-provider';
import { parseOidcSettings } from './oidc/oidc-settings';

/** A tiny cookie jar per host, enough to follow a real browser's redirects by hand. */
class Browser {
  private readonly jars = new Map<string, Map<string, string>>();

  async get(url: string): Promise<Response> {
    return this.send(url, { method: 'GET' });
  }

  async post(url: string, form: Record<string, string>): Promise<Response> {
    return this.send(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  cookie(url: string, name: string): string | undefined {
    return this.jar(url).get(name);
  }

  setCookie(url: string, name: string, value: string): void {
    this.jar(url).set(name, value);
  }

  private jar(url: string): Map<string, string> {
    const host = new URL(url).host;
    let jar = this.jars.get(host);
    if (!jar) this.jars.set(host, (jar = new Map()));
    return jar;
  }

  private async send(url: string, init: RequestInit): Promise<Response> {
    const jar = this.jar(url);
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) },
    });
    for (const set of res.headers.getSetCookie()) {
      const [pair] = set.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value === '' || /max-age=0/i.test(set)) jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  }
}

describe('single sign-on with a real OpenID Connect provider (authorization code + PKCE)', () => {
  let t: TestApp;
  let idp: OidcTestProvider;
  const CLIENT = { clientId: 'switchboard', clientSecret: 'switchboard-test-secret' };

  beforeAll(async () => {
    t = await createTestApp();
    const callback = `${t.url}/api/auth/oidc/callback`;
    idp = await startOidcTestProvider({ ...CLIENT, redirectUris: [callback] });
    // The app's configuration object, filled in now that both addresses are known (it is read per request).
    const { settings, problems } = parseOidcSettings({
      NODE_ENV: 'test',
      WEB_PORT: 0,
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: CLIENT.clientId,
      OIDC_CLIENT_SECRET: CLIENT.clientSecret,
      OIDC_REDIRECT_URL: callback,
      OIDC_SCOPES: 'openid email profile groups',
      OIDC_ALLOWED_DOMAINS: 'example.com',
      OIDC_ROLE_CLAIM: 'groups',
      OIDC_ROLE_MAP: 'sb-admins=admin,sb-operators=operator',
      OIDC_DEFAULT_ROLE: 'viewer',
      OIDC_LABEL: 'Sign in with Example SSO',
    });
    expect(problems).toEqual([]);
    t.config.oidc = settings;
    idp.users.set('olga@example.com', {
      sub: 'u-olga',
      email: 'olga@example.com',
      name: 'Olga',
      groups: ['sb-operators'],
    });
    idp.users.set('vera@example.com', { sub: 'u-vera', email: 'vera@example.com', name: 'Vera' });
    idp.users.set('eve@evil.test', { sub: 'u-eve', email: 'eve@evil.test', groups: ['sb-admins'] });
  });
  afterAll(async () => {
    await t?.close();
    await idp?.close();
  });

  /** The whole round trip as a browser makes it; returns the callback's answer and the browser. */
  async function signIn(email: string, returnTo = '/deployments') {
    const browser = new Browser();
    const start = await browser.get(`${t.url}/api/auth/oidc/login?returnTo=${encodeURIComponent(returnTo)}`);
    expect(start.status).toBe(302);
    let location = start.headers.get('location')!;
    expect(location.startsWith(`${idp.issuer}/auth?`)).toBe(true);
    expect(new URL(location).searchParams.get('code_challenge_method')).toBe('S256');
    // The provider: to its sign-in page, the form, then back to the gateway with a code.
    for (let hops = 0; hops < 10 && !location.startsWith(t.url); hops++) {
      const url = new URL(location, idp.issuer).href;
      const res = url.includes('/interaction/')
        ? await browser.post(url, { login: email })
        : await browser.get(url);
      location = res.headers.get('location') ?? '';
      expect(location).not.toBe('');
    }
    const done = await browser.get(location);
    return { done, browser };
  }

  async function sessionOf(browser: Browser) {
    const sb = browser.cookie(t.url, 'sb_session');
    if (!sb) return null;
    const res = await fetch(`${t.url}/api/auth/session`, { headers: { cookie: `sb_session=${sb}` } });
    expect(res.status).toBe(200);
    const session = (await res.json()) as
      | { authenticated: true; kind: string; role: string; account: { email: string } }
      | { authenticated: false };
    return session.authenticated ? session : null;
  }

  it('offers the button on the login page', async () => {
    const options = (await (await fetch(`${t.url}/api/auth/options`)).json()) as { sso: unknown };
    expect(options.sso).toEqual({ enabled: true, label: 'Sign in with Example SSO' });
  });

  it('signs a new person in with the role their group maps to, and lands where they were going', async () => {
    const { done, browser } = await signIn('olga@example.com');
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe('/deployments');
    expect(await sessionOf(browser)).toMatchObject({
      kind: 'account',
      role: 'operator',
      account: { email: 'olga@example.com' },
    });
    const { rows } = await t.db.query(
      `SELECT "displayName", role, "ssoSubject", "passwordHash" FROM "Account" WHERE email = 'olga@example.com'`,
    );
    expect(rows).toEqual([
      { displayName: 'Olga', role: 'operator', ssoSubject: `${idp.issuer}|u-olga`, passwordHash: null },
    ]);
    const audit = await t.db.query(
      `SELECT actor, action FROM "AuditEvent" WHERE actor IN ('sso', 'account:olga@example.com') ORDER BY id`,
    );
    expect(audit.rows.map((r) => r.action)).toEqual(['account.create', 'auth.login']);
  });

  it('follows the claim when the group changes, and gives the default role without a mapped group', async () => {
    idp.users.get('olga@example.com')!.groups = ['sb-admins', 'sb-operators'];
    expect(await sessionOf((await signIn('olga@example.com')).browser)).toMatchObject({ role: 'admin' });
    const change = await t.db.query(
      `SELECT before, after FROM "AuditEvent" WHERE action = 'account.role_change' AND actor = 'sso'`,
    );
    expect(change.rows).toEqual([
      { before: { role: 'operator' }, after: { role: 'admin', via: 'claim groups' } },
    ]);
    expect(await sessionOf((await signIn('vera@example.com')).browser)).toMatchObject({ role: 'viewer' });
  });

  it('refuses an email domain that is not allowed, with no account and no session', async () => {
    const { done, browser } = await signIn('eve@evil.test');
    expect(done.headers.get('location')).toBe('/login?error=sso_domain_not_allowed');
    expect(browser.cookie(t.url, 'sb_session')).toBeUndefined();
    expect((await t.db.query(`SELECT 1 FROM "Account" WHERE email = 'eve@evil.test'`)).rowCount).toBe(0);
    const failed = await t.db.query(
      `SELECT after FROM "AuditEvent" WHERE action = 'auth.login_failed' ORDER BY id DESC LIMIT 1`,
    );
    expect(failed.rows[0].after).toMatchObject({
      via: 'sso',
      email: 'eve@evil.test',
      reason: 'sso_domain_not_allowed',
    });
  });

  it('refuses a disabled account', async () => {
    await t.db.query(`UPDATE "Account" SET status = 'disabled' WHERE email = 'vera@example.com'`);
    const { done, browser } = await signIn('vera@example.com');
    expect(done.headers.get('location')).toBe('/login?error=sso_account_disabled');
    expect(await sessionOf(browser)).toBeNull();
  });

  it('links an existing password account only when the provider says the email is verified', async () => {
    await t.db.query(
      `INSERT INTO "Account" (id, email, "displayName", role, status, "updatedAt")
       VALUES (gen_random_uuid(), 'ada@example.com', 'Ada', 'admin', 'active', now())`,
    );
    idp.users.set('ada@example.com', { sub: 'u-ada', email: 'ada@example.com', email_verified: null });
    const unverified = await signIn('ada@example.com');
    expect(unverified.done.headers.get('location')).toBe('/login?error=sso_failed');
    expect(await sessionOf(unverified.browser)).toBeNull();

    idp.users.set('ada@example.com', { sub: 'u-ada', email: 'ada@example.com', email_verified: true });
    expect(await sessionOf((await signIn('ada@example.com')).browser)).toMatchObject({ role: 'admin' });
  });

  it('refuses someone no claim maps to a role when OIDC_DEFAULT_ROLE is none', async () => {
    const settings = t.config.oidc!;
    t.config.oidc = { ...settings, defaultRole: null };
    try {
      idp.users.set('nora@example.com', { sub: 'u-nora', email: 'nora@example.com' });
      const { done, browser } = await signIn('nora@example.com');
      expect(done.headers.get('location')).toBe('/login?error=sso_no_role');
      expect(await sessionOf(browser)).toBeNull();
    } finally {
      t.config.oidc = settings;
    }
  });

  it('refuses a callback without the flow cookie, or with one that was tampered with', async () => {
    const missing = await fetch(`${t.url}/api/auth/oidc/callback?code=x&state=y`, { redirect: 'manual' });
    expect(missing.headers.get('location')).toBe('/login?error=sso_failed');

    const browser = new Browser();
    await browser.get(`${t.url}/api/auth/oidc/login`);
    const sealed = browser.cookie(t.url, 'sb_oidc')!;
    const [body, mac] = sealed.split('.');
    const flow = JSON.parse(Buffer.from(body!, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...flow, state: 'attacker-state' })).toString('base64url');
    browser.setCookie(t.url, 'sb_oidc', `${forged}.${mac}`);
    const res = await browser.get(`${t.url}/api/auth/oidc/callback?code=x&state=attacker-state`);
    expect(res.headers.get('location')).toBe('/login?error=sso_failed');
  });

  it('sends only paths of the console as the place to land', async () => {
    const { done } = await signIn('olga@example.com', '//evil.test/phish');
    expect(done.headers.get('location')).toBe('/');
  });

  it('answers 404 when single sign-on is not configured', async () => {
    const settings = t.config.oidc;
    t.config.oidc = null;
    try {
      const res = await fetch(`${t.url}/api/auth/oidc/login`, { redirect: 'manual' });
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('sso_not_configured');
    } finally {
      t.config.oidc = settings;
    }
  });
});
