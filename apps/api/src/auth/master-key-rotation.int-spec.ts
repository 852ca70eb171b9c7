import { createTestApp, TEST_MASTER_KEY, type TestApp } from '../testing/test-app';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';

/** Rotating MASTER_KEY (a new key, every instance restarted) ends the console sessions opened with the old one. */
describe('master-key rotation', () => {
  let database: TestDatabase;
  let t: TestApp | undefined;
  const NEW_KEY = 'sk-sb-rotated-master-key-9876543210';

  async function start(masterKey: string): Promise<TestApp> {
    t = await createTestApp({ masterKey }, database);
    return t;
  }
  async function stop(): Promise<void> {
    // The database outlives the instance, as it does when an operator restarts the gateway.
    await t?.app.close();
    await t?.db.end();
    t = undefined;
  }
  async function masterKeySession(app: TestApp, masterKey: string): Promise<string> {
    const res = await fetch(`${app.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ masterKey }),
    });
    expect(res.status).toBe(200);
    return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  }
  /** Whether the cookie's session is live; the probe answers 200 either way. */
  async function signedIn(app: TestApp, cookie: string): Promise<boolean> {
    const res = await fetch(`${app.url}/api/auth/session`, { headers: { cookie } });
    expect(res.status).toBe(200);
    return ((await res.json()) as { authenticated: boolean }).authenticated;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await stop();
    await database?.drop();
  });

  it('keeps a master-key session across a restart with the same key, and ends it when the key changes', async () => {
    const cookie = await masterKeySession(await start(TEST_MASTER_KEY), TEST_MASTER_KEY);
    await stop();

    expect(await signedIn(await start(TEST_MASTER_KEY), cookie)).toBe(true);
    await stop();

    const rotated = await start(NEW_KEY);
    expect(await signedIn(rotated, cookie)).toBe(false);
    const fresh = await masterKeySession(rotated, NEW_KEY);
    expect(await signedIn(rotated, fresh)).toBe(true);
  });
});
