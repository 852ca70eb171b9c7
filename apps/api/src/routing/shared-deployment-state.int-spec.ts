import { type FakeUpstream, startFakeUpstream } from '../../../fake-upstream/src';
import { seedRouting } from '../testing/seed';
import type { TestApp } from '../testing/test-app';
import { type GatewayCluster, startGatewayCluster, until } from '../testing/gateway-cluster';
import { describeWithRedis } from '../testing/redis-server';
import type { DeploymentStateStore } from './deployment-state';
import type { RedisDeploymentState } from './redis-deployment-state';
import { RouterRegistry } from './router-registry';
import { DEPLOYMENT_STATE, USAGE_COUNTERS } from './routing.module';
import type { UsageCounters } from './usage-counters';

/**
 * What a strategy reads and what the console shows is one state for every instance: the round-robin
 * position, failure counts against allowedFails, and the per-deployment numbers (rpm, in flight).
 */
describeWithRedis('deployment state shared by several instances through Redis', () => {
  let cluster: GatewayCluster;
  let apps: TestApp[];
  const upstreams: FakeUpstream[] = [];
  let flaky: FakeUpstream;

  const state = (t: TestApp) => t.app.get<DeploymentStateStore>(DEPLOYMENT_STATE) as RedisDeploymentState;
  const idOf = (t: TestApp, group: string, name: string) =>
    t.app
      .get(RouterRegistry)
      .getGroup(group)
      ?.deployments.find((d) => d.name === name)?.id;

  async function chat(t: TestApp, group: string): Promise<{ status: number; deployment: string | null }> {
    const res = await fetch(`${t.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.config.masterKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: group, messages: [{ role: 'user', content: 'hi' }] }),
    });
    await res.text();
    return { status: res.status, deployment: res.headers.get('x-switchboard-deployment') };
  }

  async function liveState(t: TestApp, id: string) {
    const res = await fetch(`${t.url}/api/deployments/${id}`, {
      headers: { authorization: `Bearer ${t.config.masterKey}` },
    });
    return ((await res.json()) as { state: { rpmUsed: number; inFlight: number } }).state;
  }

  /** Every instance publishes, then every instance reads what all published. */
  async function syncAll(): Promise<void> {
    for (const t of apps) await state(t).sync();
    for (const t of apps) await state(t).sync();
  }

  beforeAll(async () => {
    for (const name of ['a', 'b', 'c']) upstreams.push(await startFakeUpstream({ name }));
    flaky = await startFakeUpstream({ name: 'flaky', fault: { kind: 'status', status: 500 } });
    cluster = await startGatewayCluster('sbstate:', 2);
    ({ apps } = cluster);
    await seedRouting(
      apps[0]!,
      [
        ...upstreams.map((u, i) => ({
          name: ['a', 'b', 'c'][i]!,
          modelGroup: 'rr',
          model: 'gpt-4.1',
          apiBase: u.url,
        })),
        { name: 'flaky', modelGroup: 'flaky', model: 'gpt-4.1', apiBase: flaky.url },
      ],
      [
        { name: 'rr', strategy: 'round-robin' },
        { name: 'flaky', strategy: 'priority', numRetries: 0, allowedFails: 2, cooldownSeconds: 60 },
      ],
    );
    await until(() =>
      apps.every(
        (t) =>
          t.app.get(RouterRegistry).getGroup('rr')?.deployments.length === 3 &&
          idOf(t, 'flaky', 'flaky') !== undefined,
      ),
    );
  });
  afterAll(async () => {
    await cluster?.close();
    for (const u of upstreams) await u.close();
    await flaky?.close();
  });

  it('rotates round robin once across instances, not once per instance', async () => {
    // The per-deployment numbers read by the next two tests count calendar minutes: start these requests far
    // enough from a minute's end that they and those reads (a few seconds) fall in the same minute.
    const left = 60_000 - (Date.now() % 60_000);
    if (left < 20_000) await new Promise((r) => setTimeout(r, left + 50));
    const served: (string | null)[] = [];
    // Clients alternate instances; each instance on its own would answer a, a, b, b, c, c.
    for (let i = 0; i < 6; i++) {
      const answer = await chat(apps[i % 2]!, 'rr');
      expect(answer.status).toBe(200);
      served.push(answer.deployment);
    }
    expect(new Set(served.slice(0, 3)).size).toBe(3);
    expect(served.slice(3)).toEqual(served.slice(0, 3));
    for (const u of upstreams) expect(u.stats().total).toBe(2);
  });

  it('shows every instance the same per-deployment numbers', async () => {
    await syncAll();
    for (const name of ['a', 'b', 'c']) {
      const id = idOf(apps[0]!, 'rr', name)!;
      const [first, second] = await Promise.all(apps.map((t) => liveState(t, id)));
      // Each deployment took one request from each instance in the test above.
      expect(first!.rpmUsed).toBe(2);
      expect(second!.rpmUsed).toBe(2);
      // What usage-based routing reads counts the other instance's requests too.
      for (const t of apps) expect(t.app.get<UsageCounters>(USAGE_COUNTERS).get(id, Date.now()).rpm).toBe(2);
    }

    // A request held open on instance 0 is in flight on instance 1's console too.
    const slow = upstreams[0]!;
    slow.configure({ latencyMs: 3_000 });
    const id = idOf(apps[0]!, 'rr', 'a')!;
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < 3; i++) pending.push(chat(apps[0]!, 'rr'));
    await until(async () => {
      await syncAll();
      return (await liveState(apps[1]!, id)).inFlight === 1;
    });
    expect(state(apps[1]!).inFlight(id)).toBe(1);
    slow.configure({ latencyMs: 0 });
    await Promise.all(pending);
  });

  it('while Redis is away, shows and routes on its own numbers instead of the last shared ones', async () => {
    const id = idOf(apps[0]!, 'rr', 'b')!;
    await syncAll();
    expect(state(apps[0]!).shared(id, Date.now())).not.toBeNull();
    await cluster.redis.kill();
    try {
      // The next exchange finds Redis gone (a failed command marks it unusable).
      await until(async () => {
        await state(apps[0]!).sync();
        return state(apps[0]!).shared(id, Date.now()) === null;
      });
      expect((await liveState(apps[0]!, id)).rpmUsed).toBe(
        apps[0]!.app.get<UsageCounters>(USAGE_COUNTERS).get(id, Date.now()).rpm,
      );
    } finally {
      await cluster.redis.restart();
      await until(async () => {
        for (const t of apps) await state(t).sync();
        return apps.every((t) => state(t).shared(id, Date.now()) !== null);
      }, 15_000);
    }
  });

  it('counts failures against allowedFails across instances', async () => {
    const id = idOf(apps[0]!, 'flaky', 'flaky')!;
    const cooling = (t: TestApp) => state(t).cooldownUntil(id, Date.now()) !== null;
    // allowedFails 2: two failures are tolerated, the third (on any instance) benches the deployment.
    // Instance 0 sees two of the three, instance 1 one: neither alone would bench it.
    for (const t of [apps[0]!, apps[1]!, apps[0]!]) expect((await chat(t, 'flaky')).status).toBe(502);
    await until(() => apps.every(cooling));
    flaky.reset();
    expect((await chat(apps[1]!, 'flaky')).status).toBe(503);
    expect(flaky.stats().total).toBe(0);
  });
});
