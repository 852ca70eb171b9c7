import { type FakeUpstream, startFakeUpstream } from '../../../fake-upstream/src';
import { CLOCK, type Clock } from '../common/clock';
import { seedRouting } from '../testing/seed';
import type { TestApp } from '../testing/test-app';
import { RouterRegistry } from './router-registry';
import { type GatewayCluster, startGatewayCluster, until } from '../testing/gateway-cluster';
import { describeWithRedis } from '../testing/redis-server';

/** A deployment's own rpm limit holds across three instances: its upstream sees exactly that many requests. */
describeWithRedis('deployment limits shared by several instances through Redis', () => {
  let cluster: GatewayCluster;
  let limited: FakeUpstream;
  let spare: FakeUpstream;
  let apps: TestApp[];
  // The same moment on every instance, 10 s into a minute: the counts cannot straddle a minute boundary.
  const minute = Math.floor(Date.now() / 60_000) * 60_000 + 10_000;

  async function burst(group: string, count: number): Promise<number[]> {
    return Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const t = apps[i % apps.length]!;
        const res = await fetch(`${t.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${t.config.masterKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: group, messages: [{ role: 'user', content: 'hi' }] }),
        });
        await res.text();
        return res.status;
      }),
    );
  }

  beforeAll(async () => {
    limited = await startFakeUpstream({ name: 'limited' });
    spare = await startFakeUpstream({ name: 'spare' });
    cluster = await startGatewayCluster('sbdep:', 3);
    ({ apps } = cluster);
    for (const t of apps) jest.spyOn(t.app.get<Clock>(CLOCK), 'now').mockImplementation(() => minute);
    await seedRouting(
      apps[0]!,
      [
        {
          name: 'limited-only',
          modelGroup: 'only-limited',
          model: 'gpt-4.1',
          apiBase: limited.url,
          rpmLimit: 10,
        },
        {
          name: 'limited-first',
          modelGroup: 'with-spare',
          model: 'gpt-4.1',
          apiBase: limited.url,
          rpmLimit: 10,
          priority: 0,
        },
        { name: 'spare', modelGroup: 'with-spare', model: 'gpt-4.1', apiBase: spare.url, priority: 1 },
      ],
      [{ name: 'with-spare', strategy: 'priority' }],
    );
    await until(() =>
      apps.every((t) => t.app.get(RouterRegistry).getGroup('with-spare')?.deployments.length === 2),
    );
  });
  afterAll(async () => {
    await cluster?.close();
    await limited?.close();
    await spare?.close();
  });

  it('sends a deployment exactly its rpm limit from three instances together', async () => {
    limited.reset();
    const statuses = await burst('only-limited', 30);
    expect(limited.stats().total).toBe(10);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
  });

  it('moves the overflow to the next deployment instead of refusing it', async () => {
    limited.reset();
    spare.reset();
    // `limited` is a separate deployment here (its own count), first by priority.
    const statuses = await burst('with-spare', 24);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(limited.stats().total).toBe(10);
    expect(spare.stats().total).toBe(14);
  });
});
