import { type FakeUpstream, startFakeUpstream } from '../../../fake-upstream/src';
import type { Clock } from '../common/clock';
import { RequestLogWriter } from '../usage/request-log.writer';
import { until } from '../testing/gateway-cluster';
import { createTestApp, type TestApp } from '../testing/test-app';
import { END_USER_COUNTERS_MAX } from './end-user-counters';
import { KEY_CLOCK, KEY_COUNTERS } from './key-clock';
import type { InMemoryKeyCounters } from './key-counters';
import { adminCall, createKey } from './testing/admin-client';
import { VirtualKeyGatewayAuth } from './virtual-key.gateway-auth';

/**
 * Per-end-user limits of a key (the `user` field Dify fills with its app's end user), on one instance:
 * the real app, the real database and the fake upstream.
 */
describe('per-end-user rpm and daily budget on a virtual key', () => {
  let t: TestApp;
  let up: FakeUpstream;
  const GROUP = 'eu-gpt';
  const MODEL = 'eu-priced-model';
  // 10 s into a minute: the counts cannot straddle a minute boundary, and Retry-After is exactly 50 s.
  let now = Math.floor(Date.now() / 60_000) * 60_000 + 10_000;

  beforeAll(async () => {
    up = await startFakeUpstream({ name: 'eu-up' });
    t = await createTestApp();
    jest.spyOn(t.app.get<Clock>(KEY_CLOCK), 'now').mockImplementation(() => now);
    const dep = await adminCall(t, 'POST', '/api/deployments', {
      name: 'eu-0',
      modelGroup: GROUP,
      provider: 'openai-compatible',
      model: MODEL,
      apiBase: up.url,
      apiKey: 'sk-upstream',
    });
    expect(dep.status).toBe(201);
    // Every request costs something predictable.
    const price = await adminCall(t, 'PUT', `/api/prices/${MODEL}`, {
      inputUsdPerMTokens: 10_000,
      outputUsdPerMTokens: 10_000,
    });
    expect(price.status).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
    await up?.close();
  });

  function send(key: string, user?: unknown, path = '/v1/chat/completions') {
    const body =
      path === '/v1/embeddings'
        ? { model: GROUP, input: 'hello', ...(user === undefined ? {} : { user }) }
        : {
            model: GROUP,
            messages: [{ role: 'user', content: 'ping' }],
            ...(user === undefined ? {} : { user }),
          };
    return fetch(`${t.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  async function status(key: string, user?: unknown, path?: string): Promise<number> {
    const res = await send(key, user, path);
    await res.arrayBuffer();
    return res.status;
  }

  type ErrorBody = { error: { type: string; code: string; message: string } };

  it("refuses end user A's 3rd request in a minute at 2 rpm, while B and requests without `user` pass", async () => {
    const { key, id } = await createKey(t, { alias: 'dify-public', endUserRpmLimit: 2 });
    expect(await status(key, 'alice')).toBe(200);
    expect(await status(key, 'alice', '/v1/embeddings')).toBe(200);
    const refused = await send(key, 'alice');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('50');
    const body = (await refused.json()) as ErrorBody;
    expect(body.error.code).toBe('end_user_rate_limit_exceeded');
    expect(body.error.type).toBe('rate_limit_error');
    expect(body.error.message).toContain('2 requests per minute per end user');
    expect(body.error.message).toContain("'alice'");
    expect(body.error.message).not.toContain('bob');
    // Whatever the route.
    expect(await status(key, 'alice', '/v1/embeddings')).toBe(429);

    expect(await status(key, 'bob')).toBe(200);
    expect(await status(key, 'bob')).toBe(200);
    for (let i = 0; i < 4; i++) expect(await status(key)).toBe(200);
    expect(await status(key, '')).toBe(200);

    // The refusal is logged under the key, like the key's own refusals.
    await until(async () => {
      const res = await adminCall(t, 'GET', `/api/logs?keyId=${id}&status=429`);
      return (res.body as { data: unknown[] }).data.length >= 2;
    });
    const logs = await adminCall(t, 'GET', `/api/logs?keyId=${id}&status=429`);
    expect((logs.body as { data: { errorType: string; endUser: string }[] }).data[0]).toMatchObject({
      errorType: 'end_user_rate_limit_exceeded',
      endUser: 'alice',
    });

    // The next minute A may send again.
    now += 60_000;
    expect(await status(key, 'alice')).toBe(200);
  });

  it('has no effect when the key has no per-end-user limits', async () => {
    const { key } = await createKey(t, {});
    for (let i = 0; i < 6; i++) expect(await status(key, 'alice')).toBe(200);
  });

  it('refuses an end user whose spend today reached the daily budget, and no one else', async () => {
    // What one request costs at this price.
    const probe = await createKey(t, {});
    expect(await status(probe.key, 'probe')).toBe(200);
    await t.app.get(RequestLogWriter).flush();
    const { rows } = await t.db.query<{ costUsd: number }>(
      `SELECT "costUsd" FROM "RequestLog" WHERE "keyId" = $1`,
      [probe.id],
    );
    const cost = Number(rows[0]!.costUsd);
    expect(cost).toBeGreaterThan(0);

    // Room for two requests.
    const { key } = await createKey(t, { endUserDailyBudgetUsd: cost * 2 - cost / 10 });
    expect(await status(key, 'carol')).toBe(200);
    expect(await status(key, 'carol')).toBe(200);
    const refused = await send(key, 'carol');
    expect(refused.status).toBe(429);
    const body = (await refused.json()) as ErrorBody;
    expect(body.error).toMatchObject({ code: 'end_user_budget_exceeded', type: 'insufficient_quota' });
    expect(body.error.message).toMatch(/per end user used up for end user 'carol'.*resets at .* 00:00 UTC/);
    expect(await status(key, 'dave')).toBe(200);
    expect(await status(key)).toBe(200);
  });

  it('applies a PATCH of the limits at once, and audits it', async () => {
    const { key, id } = await createKey(t, {});
    for (let i = 0; i < 3; i++) expect(await status(key, 'erin')).toBe(200);
    const patched = await adminCall(t, 'PATCH', `/api/keys/${id}`, { endUserRpmLimit: 3 });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ endUserRpmLimit: 3, endUserDailyBudgetUsd: null });
    // Counting started with the limit: erin's earlier requests this minute were not counted.
    for (let i = 0; i < 3; i++) expect(await status(key, 'erin')).toBe(200);
    expect(await status(key, 'erin')).toBe(429);
    expect((await adminCall(t, 'PATCH', `/api/keys/${id}`, { endUserRpmLimit: null })).status).toBe(200);
    expect(await status(key, 'erin')).toBe(200);

    const { rows } = await t.db.query(
      `SELECT before, after FROM "AuditEvent" WHERE "targetId" = $1 AND action = 'key.update' ORDER BY id`,
      [id],
    );
    expect(rows[0].before.endUserRpmLimit).toBeNull();
    expect(rows[0].after.endUserRpmLimit).toBe(3);
    expect((await adminCall(t, 'GET', `/api/keys/${id}`)).body).toMatchObject({ endUserRpmLimit: null });
  });

  it('refuses bad limits with a 400 naming the field', async () => {
    const { id } = await createKey(t, {});
    for (const bad of [{ endUserRpmLimit: 0 }, { endUserRpmLimit: 1.5 }, { endUserDailyBudgetUsd: -1 }]) {
      const res = await adminCall(t, 'PATCH', `/api/keys/${id}`, bad);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain(Object.keys(bad)[0]!);
    }
  });

  it("starts today's spend from the end-user rollup after a restart, not from zero", async () => {
    const { key, id, projectId } = await createKey(t, { endUserDailyBudgetUsd: 1 });
    // What the log writer's rollup holds for this key from before the restart: frank spent $1.20 today,
    // grace $5 yesterday.
    const today = new Date(Math.floor(now / 86_400_000) * 86_400_000);
    await t.db.query(
      `INSERT INTO "EndUserRollupHour" (bucket, "keyId", "projectId", "modelGroup", "endUser", requests, "costUsd")
       VALUES ($1, $2, $3, $4, 'frank', 3, 0.7), ($5, $2, $3, $4, 'frank', 2, 0.5),
              ($6, $2, $3, $4, 'grace', 9, 5)`,
      [
        today,
        id,
        projectId,
        GROUP,
        new Date(today.getTime() + 3_600_000),
        new Date(today.getTime() - 3_600_000),
      ],
    );
    // The first request is admitted on what this instance counted (nothing); it asks for the figure.
    expect(await status(key, 'frank')).toBe(200);
    await t.app.get(VirtualKeyGatewayAuth).endUserSeeder.flush();
    const refused = await send(key, 'frank');
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as ErrorBody).error.code).toBe('end_user_budget_exceeded');
    // Yesterday does not count.
    expect(await status(key, 'grace')).toBe(200);
    await t.app.get(VirtualKeyGatewayAuth).endUserSeeder.flush();
    expect(await status(key, 'grace')).toBe(200);
  });

  it('does not grow its counters without bound when every request names a new end user', async () => {
    const counters = t.app.get<InMemoryKeyCounters>(KEY_COUNTERS);
    const { key } = await createKey(t, { endUserRpmLimit: 1, endUserDailyBudgetUsd: 100 });
    now += 60_000;
    await Promise.all(
      Array.from({ length: 200 }, async (_, i) => expect(await status(key, `flood-${i}`)).toBe(200)),
    );
    expect(counters.endUsers.size.minutes).toBeGreaterThanOrEqual(200);
    expect(counters.endUsers.size.minutes).toBeLessThanOrEqual(END_USER_COUNTERS_MAX);
    // A minute later the flood's counts are gone as soon as anything is counted.
    now += 60_000;
    expect(await status(key, 'after-flood')).toBe(200);
    expect(counters.endUsers.size.minutes).toBe(1);
  });
});
