import { attemptStatsSchema, distributionSchema } from '@switchboard/contracts';
import { type FakeUpstream, startFakeUpstream } from '../../../fake-upstream/src';
import { adminCall } from '../keys/testing/admin-client';
import { seedRouting } from '../testing/seed';
import { createTestApp, type TestApp } from '../testing/test-app';
import { RequestLogWriter } from './request-log.writer';

/**
 * Issue #12 item 2: a deployment whose attempts fail while a retry elsewhere answers the request looked
 * healthy (the Overview counts final answers only). Every attempt is now counted per deployment.
 */
describe('attempts per deployment (real app, real PostgreSQL)', () => {
  let t: TestApp;
  let broken: FakeUpstream;
  let good: FakeUpstream;
  const GROUP = 'attempts-gpt';

  beforeAll(async () => {
    t = await createTestApp();
    broken = await startFakeUpstream({ name: 'broken', fault: { kind: 'status', status: 500 } });
    good = await startFakeUpstream({ name: 'good' });
    await seedRouting(
      t,
      [
        { name: 'attempts-broken', modelGroup: GROUP, apiBase: broken.url, priority: 0 },
        { name: 'attempts-good', modelGroup: GROUP, apiBase: good.url, priority: 1 },
      ],
      // Never benched here, so every request tries the broken one first and then the good one.
      [{ name: GROUP, strategy: 'priority', numRetries: 1, allowedFails: 1000 }],
    );
  });
  afterAll(async () => {
    await t?.close();
    await broken?.close();
    await good?.close();
  });

  it("counts a deployment's failed attempts even when every request was answered", async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${t.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.config.masterKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: GROUP, messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-switchboard-attempts')).toBe('2');
    }
    await t.app.get(RequestLogWriter).flush();
    const to = new Date(Date.now() + 60_000).toISOString();

    // What the Overview showed before: four answered requests, no errors anywhere.
    const overview = distributionSchema.parse(
      (await adminCall(t, 'GET', `/api/stats/distribution?from=${from}&to=${to}&interval=minute`)).body,
    );
    expect(overview.totals).toMatchObject({ requests: 4, errors: 0 });

    const res = await adminCall(t, 'GET', `/api/stats/attempts?from=${from}&to=${to}&interval=minute`);
    expect(res.status).toBe(200);
    const stats = attemptStatsSchema.parse(res.body);
    const byLabel = new Map(stats.deployments.map((d) => [d.label, d]));
    expect(byLabel.get('attempts-broken')).toMatchObject({
      attempts: 4,
      failed: 4,
      errorRate: 1,
      failuresByKind: { server: 4 },
      clientClosed: 0,
      avgLatencyMs: null,
    });
    expect(byLabel.get('attempts-good')).toMatchObject({ attempts: 4, failed: 0, errorRate: 0 });
    const series = byLabel.get('attempts-broken')!.buckets;
    expect(series.reduce((n, b) => n + b.failed, 0)).toBe(4);
  });

  it('refuses a bad range and callers without config:read', async () => {
    const bad = await adminCall(
      t,
      'GET',
      '/api/stats/attempts?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z',
    );
    expect(bad.status).toBe(400);
    const tooMany = await adminCall(
      t,
      'GET',
      '/api/stats/attempts?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&interval=minute',
    );
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.code).toBe('too_many_buckets');
    const anonymous = await fetch(`${t.url}/api/stats/attempts?from=${new Date().toISOString()}`);
    expect(anonymous.status).toBe(401);
  });
});
