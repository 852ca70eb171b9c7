import { FAILED_AUTH_MAX } from './failed-auth-throttle';
import { createTestApp, TEST_MASTER_KEY, type TestApp } from '../testing/test-app';

/**
 * Issue #10 hole 2 (data plane): wrong keys from one address were answered 401 without end. Past the limit
 * an unknown key now gets a 429 with Retry-After; a valid key from the same address is never refused.
 */
describe('failed key checks on the data plane (real app)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const models = (key: string) =>
    fetch(`${t.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });

  it('answers 429 to an address that keeps presenting unknown keys, and still serves a valid one', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < FAILED_AUTH_MAX + 5; i++) statuses.push((await models(`sk-sb-guess-${i}`)).status);
    expect(statuses.slice(0, FAILED_AUTH_MAX - 1).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    const refused = await models('sk-sb-one-more-guess');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({
      error: { type: 'rate_limit_error', code: 'too_many_failed_authentications' },
    });
    expect((await models(TEST_MASTER_KEY)).status).toBe(200);
  });
});
