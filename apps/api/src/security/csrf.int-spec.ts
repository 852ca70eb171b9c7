import { createTestApp, TEST_MASTER_KEY, type TestApp } from '../testing/test-app';

/**
 * Issue #10 hole 4: changes authenticated by the console's session cookie accepted any Origin, even with a
 * `text/plain` body (what a cross-site form can send). They now need a same-origin Origin or the header the
 * console sends.
 */
describe('cross-site changes with the session cookie (real app)', () => {
  let t: TestApp;
  let cookie: string;

  beforeAll(async () => {
    t = await createTestApp();
    const login = await fetch(`${t.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ masterKey: TEST_MASTER_KEY }),
    });
    expect(login.status).toBe(200);
    cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect(cookie).toMatch(/^sb_session=/);
  });
  afterAll(async () => {
    await t?.close();
  });

  const createProject = (headers: Record<string, string>, body: string) =>
    fetch(`${t.url}/api/projects`, { method: 'POST', headers: { cookie, ...headers }, body });
  const name = () => `csrf-${Math.random().toString(36).slice(2, 10)}`;

  it('refuses another origin, with a JSON or a text/plain body', async () => {
    for (const contentType of ['application/json', 'text/plain']) {
      const res = await createProject(
        { origin: 'https://evil.example', 'content-type': contentType },
        JSON.stringify({ name: name() }),
      );
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ error: { code: 'csrf_rejected' } });
    }
    const noOrigin = await createProject(
      { 'content-type': 'application/json' },
      JSON.stringify({ name: name() }),
    );
    expect(noOrigin.status).toBe(403);
  });

  it("accepts the console's own requests: same origin, or the console's header", async () => {
    const host = new URL(t.url).host;
    const same = await createProject(
      { origin: `http://${host}`, 'content-type': 'application/json' },
      JSON.stringify({ name: name() }),
    );
    expect(same.status).toBe(201);
    const viaHeader = await createProject(
      { 'x-switchboard-csrf': '1', 'content-type': 'application/json' },
      JSON.stringify({ name: name() }),
    );
    expect(viaHeader.status).toBe(201);
  });

  it('leaves bearer-token scripts alone', async () => {
    const res = await fetch(`${t.url}/api/projects`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: name() }),
    });
    expect(res.status).toBe(201);
  });
});
