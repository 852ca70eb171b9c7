import { type FakeUpstream, startFakeUpstream } from '../../../fake-upstream/src';
import type { Clock } from '../common/clock';
import { type GatewayCluster, startGatewayCluster, until } from '../testing/gateway-cluster';
import { describeWithRedis } from '../testing/redis-server';
import { seedRouting } from '../testing/seed';
import type { TestApp } from '../testing/test-app';
import { SHARED_REDIS } from '../redis/redis.module';
import type { SharedRedis } from '../redis/shared-redis';
import { RequestLogWriter } from '../usage/request-log.writer';
import { KEY_CLOCK } from './key-clock';
import { createKey } from './testing/admin-client';
import { VirtualKeyGatewayAuth } from './virtual-key.gateway-auth';

/**
 * Per-end-user limits with two gateway instances on one PostgreSQL and one real redis-server: an end user's
 * requests and spend are counted once for the whole cluster, in the key's one admission command.
 */
describeWithRedis('per-end-user limits shared by several instances through Redis', () => {
  let cluster: GatewayCluster;
  let apps: TestApp[];
  let upstream: FakeUpstream;
  const GROUP = 'eu-shared-gpt';
  // 10 s into a minute, the same on every instance: the counts cannot straddle a minute boundary.
  const minute = Math.floor(Date.now() / 60_000) * 60_000 + 10_000;

  beforeAll(async () => {
    upstream = await startFakeUpstream({ name: 'eu-shared' });
    cluster = await startGatewayCluster('sbeu:', 2);
    ({ apps } = cluster);
    for (const t of apps) jest.spyOn(t.app.get<Clock>(KEY_CLOCK), 'now').mockImplementation(() => minute);
    await seedRouting(apps[0]!, [
      { name: 'eu-shared-0', modelGroup: GROUP, model: 'gpt-4.1', apiBase: upstream.url },
    ]);
    await Promise.all(apps.map((t) => until(async () => (await models(t)).includes(GROUP))));
  });
  afterAll(async () => {
    await cluster?.close();
    await upstream?.close();
  });

  async function models(t: TestApp, key = t.config.masterKey): Promise<string[]> {
    const res = await fetch(`${t.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
    if (res.status !== 200) return [];
    return ((await res.json()) as { data: { id: string }[] }).data.map((m) => m.id);
  }

  /** A key every instance knows (each reloads keys on the change notification). */
  async function sharedKey(fields: Record<string, unknown>) {
    const created = await createKey(apps[0]!, fields);
    await Promise.all(apps.map((t) => until(async () => (await models(t, created.key)).includes(GROUP))));
    return created;
  }

  async function send(
    instance: number,
    key: string,
    user?: string,
  ): Promise<{ status: number; code?: string }> {
    const res = await fetch(`${apps[instance]!.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: GROUP, messages: [{ role: 'user', content: 'hi' }], user }),
    });
    const body = (await res.json()) as { error?: { code: string } };
    return { status: res.status, code: body.error?.code };
  }

  it("counts an end user's requests across instances: one on each, the third anywhere is refused", async () => {
    const { key } = await sharedKey({ endUserRpmLimit: 2 });
    expect(await send(0, key, 'alice')).toEqual({ status: 200 });
    expect(await send(1, key, 'alice')).toEqual({ status: 200 });
    expect(await send(0, key, 'alice')).toEqual({ status: 429, code: 'end_user_rate_limit_exceeded' });
    expect(await send(1, key, 'alice')).toEqual({ status: 429, code: 'end_user_rate_limit_exceeded' });
    expect(await send(0, key, 'bob')).toEqual({ status: 200 });
    expect(await send(1, key)).toEqual({ status: 200 });
  });

  /** The end user's day in Redis: b = the database's figure, s = settled since, db = 1 once b was read. */
  async function day(keyId: string, user: string): Promise<Record<string, string>> {
    const redis = apps[0]!.app.get<SharedRedis>(SHARED_REDIS).client;
    return redis.hgetall(`sbeu:key:{${keyId}}:eu:d:${Math.floor(minute / 86_400_000)}:${user}`);
  }

  it('stops an end user at the daily budget spent on every instance together', async () => {
    // What one request costs (the fake upstream's usage at the default gpt-4.1 price).
    const probe = await sharedKey({});
    expect(await send(0, probe.key, 'probe')).toEqual({ status: 200 });
    await apps[0]!.app.get(RequestLogWriter).flush();
    const { rows } = await apps[0]!.db.query<{ costUsd: number }>(
      `SELECT "costUsd" FROM "RequestLog" WHERE "keyId" = $1`,
      [probe.id],
    );
    const cost = Number(rows[0]!.costUsd);
    expect(cost).toBeGreaterThan(0);

    // Room for two requests: one on each instance, so each instance alone has seen only one.
    const { key, id } = await sharedKey({ endUserDailyBudgetUsd: cost * 2 - cost / 10 });
    expect(await send(0, key, 'erin')).toEqual({ status: 200 });
    await until(async () => Number((await day(id, 'erin')).s ?? 0) >= cost * 0.99);
    expect(await send(1, key, 'erin')).toEqual({ status: 200 });
    await until(async () => Number((await day(id, 'erin')).s ?? 0) >= cost * 1.99);
    expect(await send(0, key, 'erin')).toEqual({ status: 429, code: 'end_user_budget_exceeded' });
    expect(await send(1, key, 'frank')).toEqual({ status: 200 });
  });

  it("starts an end user's day in Redis from the database figure one instance read, for every instance", async () => {
    const { key, id, projectId } = await sharedKey({ endUserDailyBudgetUsd: 1 });
    const today = new Date(Math.floor(minute / 86_400_000) * 86_400_000);
    await apps[0]!.db.query(
      `INSERT INTO "EndUserRollupHour" (bucket, "keyId", "projectId", "modelGroup", "endUser", requests, "costUsd")
       VALUES ($1, $2, $3, $4, 'carol', 4, 1.5)`,
      [today, id, projectId, GROUP],
    );
    // Instance 0 admits on what it knows and reads the figure; instance 1 never reads it itself.
    expect(await send(0, key, 'carol')).toEqual({ status: 200 });
    await apps[0]!.app.get(VirtualKeyGatewayAuth).endUserSeeder.flush();
    await until(async () => (await day(id, 'carol')).db === '1');
    expect(Number((await day(id, 'carol')).b)).toBeCloseTo(1.5);
    expect(await send(1, key, 'carol')).toEqual({ status: 429, code: 'end_user_budget_exceeded' });
    expect(await send(1, key, 'dave')).toEqual({ status: 200 });
  });
});
