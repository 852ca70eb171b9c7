import { createTestApp, type TestApp } from '../testing/test-app';

/**
 * Issue #10 hole 1: forwarded headers count only from configured proxies. With every proxy trusted, a new
 * `X-Forwarded-For` per attempt bypassed the login throttle (and a forged one could lock out someone else).
 */
describe('client addresses behind proxies (real app)', () => {
  const apps: TestApp[] = [];
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
  });

  async function failedLogins(t: TestApp, n: number): Promise<number[]> {
    const statuses: number[] = [];
    for (let i = 0; i < n; i++) {
      const res = await fetch(`${t.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.${i + 1}` },
        body: JSON.stringify({ masterKey: `wrong-${i}` }),
      });
      statuses.push(res.status);
    }
    return statuses;
  }

  it('ignores a forged X-Forwarded-For by default: rotating it does not get around the throttle', async () => {
    const t = await createTestApp();
    apps.push(t);
    const statuses = await failedLogins(t, 15);
    expect(statuses).toContain(429);
  });

  it('believes X-Forwarded-For from a configured proxy', async () => {
    const t = await createTestApp({ trustProxy: ['127.0.0.1'] });
    apps.push(t);
    const statuses = await failedLogins(t, 15);
    // Fifteen different clients, one failure each: none of them is throttled.
    expect(statuses.every((s) => s === 401)).toBe(true);
  });
});
