import { createTestApp, TEST_MASTER_KEY, type TestApp } from '../testing/test-app';

/** Issue #10 hole 6: /metrics names deployments and traffic; it is protected unless it may be public. */
describe('/metrics access (real app)', () => {
  const apps: TestApp[] = [];
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
  });
  const scrape = (t: TestApp, token?: string) =>
    fetch(`${t.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('takes METRICS_TOKEN when it is set', async () => {
    const t = await createTestApp({ metricsToken: 'prometheus-scrape-token-0123' });
    apps.push(t);
    expect((await scrape(t)).status).toBe(401);
    expect((await scrape(t, 'not-the-token-at-all')).status).toBe(401);
    const ok = await scrape(t, 'prometheus-scrape-token-0123');
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('switchboard_requests_total');
  });

  it('is not public in production without METRICS_TOKEN (the master key still works)', async () => {
    const t = await createTestApp({ env: 'production' });
    apps.push(t);
    const anonymous = await scrape(t);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: 'unauthorized' } });
    expect((await scrape(t, TEST_MASTER_KEY)).status).toBe(200);
  });

  it('stays public in development without a token', async () => {
    const t = await createTestApp({ env: 'development' });
    apps.push(t);
    expect((await scrape(t)).status).toBe(200);
  });
});
