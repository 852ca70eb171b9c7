import { type FakeUpstream, startFakeUpstream } from '../../../fake-upstream/src';
import { adminCall, createProject, uniqueName } from '../keys/testing/admin-client';
import { seedRouting } from '../testing/seed';
import { createTestApp, type TestApp } from '../testing/test-app';
import { RefusalCounter } from './refusal-counter';
import { RequestLogWriter } from './request-log.writer';

/**
 * Issue #9 item 8: requests without a valid key are counted (per minute, in metrics, in the summary),
 * not logged one row each; a recognised key's refusals keep their rows.
 */
describe('refused requests (real app, real PostgreSQL)', () => {
  let t: TestApp;
  let up: FakeUpstream;

  beforeAll(async () => {
    t = await createTestApp();
    up = await startFakeUpstream({ name: 'refusals' });
    await seedRouting(t, [{ name: 'refusals-0', modelGroup: 'gpt-4.1', apiBase: up.url }]);
  });
  afterAll(async () => {
    await t?.close();
    await up?.close();
  });

  const logRows = async () =>
    Number((await t.db.query<{ n: string }>(`SELECT count(*)::text n FROM "RequestLog"`)).rows[0]!.n);

  it('counts requests with a wrong key without a single log row', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    await t.app.get(RequestLogWriter).flush();
    const before = await logRows();
    for (let i = 0; i < 15; i++) {
      const res = await fetch(`${t.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer sk-sb-wrong-${i}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(res.status).toBe(401);
    }
    await t.app.get(RequestLogWriter).flush();
    expect(await logRows()).toBe(before);

    await t.app.get(RefusalCounter).flush();
    const counted = await t.db.query<{ n: string }>(
      `SELECT coalesce(sum(count), 0)::text n FROM "RequestRefusalMinute" WHERE status = 401`,
    );
    expect(Number(counted.rows[0]!.n)).toBe(15);

    const metrics = await (await fetch(`${t.url}/metrics`, { headers: t.adminHeaders })).text();
    const line = metrics
      .split('\n')
      .find((l) => l.startsWith('switchboard_refused_requests_total{') && l.includes('status="401"'));
    expect(line?.trim().endsWith(' 15')).toBe(true);

    const to = new Date(Date.now() + 60_000).toISOString();
    const summary = await adminCall(t, 'GET', `/api/stats/summary?from=${from}&to=${to}`);
    expect(summary.status).toBe(200);
    expect(summary.body.refused).toBe(15);
    expect(summary.body.refusedByReason[0]).toMatchObject({ status: 401, count: 15 });
    expect(summary.body.errors).toBe(0);
  });

  it("still logs a recognised key's refusal (a model it may not use)", async () => {
    const project = await createProject(t);
    const issued = await adminCall(t, 'POST', '/api/keys', {
      projectId: project.id,
      alias: uniqueName('scoped'),
      models: ['gpt-4.1-mini'],
    });
    expect(issued.status).toBe(201);
    const res = await fetch(`${t.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${issued.body.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(403);
    await t.app.get(RequestLogWriter).flush();
    const row = await t.db.query(`SELECT status FROM "RequestLog" WHERE "requestId" = $1`, [
      res.headers.get('x-request-id'),
    ]);
    expect(row.rows).toEqual([{ status: 403 }]);
  });

  it('folds an unbounded variety of reasons into "other" instead of growing without limit', async () => {
    const counter = t.app.get(RefusalCounter);
    await counter.flush();
    for (let i = 0; i < 800; i++) counter.count('chat.completions', 401, `junk-${i}`);
    await counter.flush();
    const rows = await t.db.query<{ reason: string; n: string }>(
      `SELECT reason, sum(count)::text n FROM "RequestRefusalMinute" WHERE reason LIKE 'junk-%' OR reason = 'other' GROUP BY reason`,
    );
    const total = rows.rows.reduce((s, r) => s + Number(r.n), 0);
    expect(total).toBe(800);
    expect(rows.rows.length).toBeLessThanOrEqual(501);
    expect(rows.rows.some((r) => r.reason === 'other')).toBe(true);
  });
});
