import { FAILED_AUTH_MAX } from '../security/failed-auth-throttle';
import { createTestApp, TEST_MASTER_KEY, type TestApp } from '../testing/test-app';

/** Guessing admin credentials from one address is throttled; a right credential never is. */
describe('failed admin credential checks are throttled per address', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 429 with Retry-After after too many wrong master keys, and the real master key still works', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    let code: unknown;
    for (let i = 0; i < FAILED_AUTH_MAX + 5; i++) {
      const res = await fetch(`${t.url}/api/projects`, {
        headers: { authorization: `Bearer wrong-master-key-${i}` },
      });
      statuses.push(res.status);
      const body = (await res.json()) as { error?: { code?: string } };
      if (res.status === 429) {
        retryAfter = res.headers.get('retry-after');
        code = body.error?.code;
      }
    }
    expect(statuses.slice(0, FAILED_AUTH_MAX).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(FAILED_AUTH_MAX)).toEqual(Array(5).fill(429));
    expect(code).toBe('too_many_attempts');
    expect(Number(retryAfter)).toBeGreaterThan(0);

    const real = await fetch(`${t.url}/api/projects`, {
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}` },
    });
    expect(real.status).toBe(200);
  });

  it('counts a bad session cookie as a failed check', async () => {
    // The address is already throttled by the test above: a forged cookie is refused with 429.
    const res = await fetch(`${t.url}/api/projects`, { headers: { cookie: 'sb_session=forged' } });
    expect(res.status).toBe(429);
    // No credential at all is not a guess: plain 401.
    const anonymous = await fetch(`${t.url}/api/projects`);
    expect(anonymous.status).toBe(401);
  });
});
