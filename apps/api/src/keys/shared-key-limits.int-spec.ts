import { type FakeUpstream, startFakeUpstream } from '../../../fake-upstream/src';
import type { Clock } from '../common/clock';
import { SHARED_REDIS } from '../redis/redis.module';
import type { SharedRedis } from '../redis/shared-redis';
import { type GatewayCluster, startGatewayCluster, until } from '../testing/gateway-cluster';
import { describeWithRedis, type TestRedis } from '../testing/redis-server';
import { seedRouting } from '../testing/seed';
import type { TestApp } from '../testing/test-app';
import { createKey } from './testing/admin-client';
import { KEY_CLOCK } from './key-clock';
import { RequestLogWriter } from '../usage/request-log.writer';

/**
 * Three gateway instances on one PostgreSQL and one real redis-server: a key's limits hold exactly across
 * them whatever the interleaving, and Redis going away fails no request.
 */
describeWithRedis('key limits shared by several instances through Redis', () => {
  let cluster: GatewayCluster;
  let redis: TestRedis;
  let apps: TestApp[];
  let upstream: FakeUpstream;
  const GROUP = 'shared-gpt';
  // 10 s into a minute, the same on every instance: the counts cannot straddle a minute boundary.
  const minute = Math.floor(Date.now() / 60_000) * 60_000 + 10_000;

  beforeAll(async () => {
    upstream = await startFakeUpstream({ name: 'shared' });
    cluster = await startGatewayCluster('sbtest:', 3);
    ({ redis, apps } = cluster);
    for (const t of apps) jest.spyOn(t.app.get<Clock>(KEY_CLOCK), 'now').mockImplementation(() => minute);
    await seedRouting(apps[0]!, [
      { name: 'shared-0', modelGroup: GROUP, model: 'gpt-4.1', apiBase: upstream.url },
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
  async function sharedKey(fields: Record<string, unknown>): Promise<string> {
    const { key } = await createKey(apps[0]!, fields);
    await Promise.all(apps.map((t) => until(async () => (await models(t, key)).includes(GROUP))));
    return key;
  }

  /** `count` chat requests spread over the instances in turn, all at once; the statuses. */
  async function burst(key: string, count: number, firstInstance = 0): Promise<number[]> {
    return Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const t = apps[(firstInstance + i) % apps.length]!;
        const res = await fetch(`${t.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: GROUP, messages: [{ role: 'user', content: 'hi' }] }),
        });
        await res.text();
        return res.status;
      }),
    );
  }

  const tally = (statuses: number[]) =>
    statuses.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});

  it('admits exactly a key’s rpm across three instances, however the requests interleave', async () => {
    const key = await sharedKey({ rpmLimit: 10 });
    expect(tally(await burst(key, 30))).toEqual({ 200: 10, 429: 20 });
    // The next request on any instance is refused too: the minute is full everywhere.
    expect(tally(await burst(key, 3))).toEqual({ 429: 3 });
  });

  it('gives back the deployment reservation made alongside a key admission the key then refuses', async () => {
    const limited = 'shared-limited-gpt';
    await seedRouting(apps[0]!, [
      {
        name: 'shared-limited',
        modelGroup: limited,
        model: 'gpt-4.1',
        apiBase: upstream.url,
        rpmLimit: 1000,
      },
    ]);
    await Promise.all(apps.map((t) => until(async () => (await models(t)).includes(limited))));
    const key = await sharedKey({ rpmLimit: 2 });
    const statuses = await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const res = await fetch(`${apps[i % apps.length]!.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: limited, messages: [{ role: 'user', content: 'hi' }] }),
        });
        await res.text();
        return res.status;
      }),
    );
    expect(tally(statuses)).toEqual({ 200: 2, 429: 4 });
    // The deployment's shared minute counts the two requests sent, not the four the key refused.
    const client = apps[0]!.app.get<SharedRedis>(SHARED_REDIS).client;
    const counted = async () => {
      let total = 0;
      for (const k of await client.keys('sbtest:deployment:*:m:*'))
        total += Number((await client.hget(k, 'r')) ?? 0);
      return total;
    };
    await until(async () => (await counted()) === 2);
  });

  it('holds a parallel limit across instances', async () => {
    upstream.configure({ latencyMs: 300 });
    try {
      const key = await sharedKey({ maxParallel: 2 });
      expect(tally(await burst(key, 9))).toEqual({ 200: 2, 429: 7 });
      // Finished requests free their slots on every instance. A slot is freed by a settle sent after the answer
      // (within 5 ms, or with that instance's next batch): without waiting for it, the next admission on
      // another instance could reach Redis first and be refused.
      await Promise.all(apps.map((t) => t.app.get<SharedRedis>(SHARED_REDIS).scripts.drain()));
      expect(tally(await burst(key, 2))).toEqual({ 200: 2 });
    } finally {
      upstream.configure({ latencyMs: 0 });
    }
  });

  it('stops a budget at what every instance spent together, not at each instance’s own share of it', async () => {
    // What one request costs here (the fake upstream's usage at the default gpt-4.1 price).
    const probeKey = await sharedKey({});
    expect(await burst(probeKey, 1)).toEqual([200]);
    await apps[0]!.app.get(RequestLogWriter).flush();
    const { rows } = await apps[0]!.db.query<{ costUsd: number }>(
      `SELECT "costUsd" FROM "RequestLog" ORDER BY id DESC LIMIT 1`,
    );
    const cost = Number(rows[0]!.costUsd);
    expect(cost).toBeGreaterThan(0);

    // Room for three requests. One at a time, on the three instances in turn: each instance alone has
    // seen one of them, so without sharing all three would go on admitting.
    const key = await sharedKey({ maxBudgetUsd: cost * 3 - cost / 10, budgetPeriod: 'total' });
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) {
      statuses.push(...(await burst(key, 1, i)));
      // The cost is added when the answer is done; the next request starts after it.
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429, 429, 429, 429]);
  });

  it('keeps serving when Redis dies (each instance takes a fair share), and shares again when it is back', async () => {
    const shared = apps.map((t) => t.app.get<SharedRedis>(SHARED_REDIS));
    const key = await sharedKey({ rpmLimit: 30 });
    // What the 5-second heartbeat does: every instance knows there are three.
    for (const r of shared) await r.beat();
    expect(shared.map((r) => r.instances)).toEqual([3, 3, 3]);
    await redis.kill();
    // The first request after the outage notices it (the command fails); none fails because of it.
    const during = await burst(key, 45);
    expect(during.every((s) => s === 200 || s === 429)).toBe(true);
    // 3 instances, 30 rpm: at most 10 each while they cannot agree.
    expect(tally(during)[200]).toBeLessThanOrEqual(30);
    expect(tally(during)[200]).toBeGreaterThanOrEqual(27);
    expect(shared.every((r) => !r.usable)).toBe(true);
    const health = (await (await fetch(`${apps[1]!.url}/health`)).json()) as {
      status: string;
      checks: Record<string, { status: string; detail?: string }>;
    };
    expect(health.status).toBe('degraded');
    expect(health.checks.redis).toEqual({ status: 'error', detail: expect.stringMatching(/1\/3 share/) });
    expect(await (await fetch(`${apps[1]!.url}/metrics`)).text()).toMatch(/^switchboard_redis_up 0$/m);

    await redis.restart();
    await until(async () => shared.every((r) => r.usable), 15_000);
    expect(
      ((await (await fetch(`${apps[1]!.url}/health`)).json()) as { checks: object }).checks,
    ).toMatchObject({
      redis: { status: 'ok' },
    });
    const fresh = await sharedKey({ rpmLimit: 6 });
    expect(tally(await burst(fresh, 12))).toEqual({ 200: 6, 429: 6 });
  });
});
