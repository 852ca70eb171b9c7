import { type FakeUpstream, startFakeUpstream } from '../../../fake-upstream/src';
import { seedRouting } from '../testing/seed';
import type { TestApp } from '../testing/test-app';
import type { DeploymentStateStore } from './deployment-state';
import { DEPLOYMENT_STATE } from './routing.module';
import { RouterRegistry } from './router-registry';
import { type GatewayCluster, startGatewayCluster, until } from '../testing/gateway-cluster';
import { describeWithRedis } from '../testing/redis-server';

/** A deployment one instance benches is benched on the others, and on an instance that starts later. */
describeWithRedis('cooldowns shared by several instances through Redis', () => {
  let cluster: GatewayCluster;
  let good: FakeUpstream;
  let broken: FakeUpstream;
  let apps: TestApp[];
  const GROUP = 'cooldown-gpt';

  const brokenId = (t: TestApp) =>
    t.app
      .get(RouterRegistry)
      .getGroup(GROUP)
      ?.deployments.find((d) => d.name === 'broken')?.id;
  const cooling = (t: TestApp) => {
    const id = brokenId(t);
    return (
      id !== undefined &&
      t.app.get<DeploymentStateStore>(DEPLOYMENT_STATE).cooldownUntil(id, Date.now()) !== null
    );
  };

  async function chat(t: TestApp): Promise<number> {
    const res = await fetch(`${t.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.config.masterKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: GROUP, messages: [{ role: 'user', content: 'hi' }] }),
    });
    await res.text();
    return res.status;
  }

  beforeAll(async () => {
    good = await startFakeUpstream({ name: 'good' });
    // Refuses the deployment's key: a 401 benches it at once (the operator must fix the key).
    broken = await startFakeUpstream({ name: 'broken', requireApiKey: 'sk-the-right-key' });
    cluster = await startGatewayCluster('sbcool:', 2);
    ({ apps } = cluster);
    await seedRouting(
      apps[0]!,
      [
        { name: 'broken', modelGroup: GROUP, model: 'gpt-4.1', apiBase: broken.url, priority: 0 },
        { name: 'good', modelGroup: GROUP, model: 'gpt-4.1', apiBase: good.url, priority: 1 },
      ],
      [{ name: GROUP, strategy: 'priority' }],
    );
    await until(() => apps.every((t) => brokenId(t) !== undefined));
  });
  afterAll(async () => {
    await cluster?.close();
    await good?.close();
    await broken?.close();
  });

  it('benches a deployment on every instance when one of them sees it fail', async () => {
    expect(apps.some(cooling)).toBe(false);
    // Instance 0 tries the broken deployment first (priority), gets a 401 and fails over to the good one.
    expect(await chat(apps[0]!)).toBe(200);
    expect(cooling(apps[0]!)).toBe(true);
    await until(() => cooling(apps[1]!));

    // Instance 1 never tries it again while it cools down.
    broken.reset();
    for (let i = 0; i < 5; i++) expect(await chat(apps[1]!)).toBe(200);
    expect(broken.stats().total).toBe(0);
  });

  it('gives an instance that starts later the cooldowns already running', async () => {
    const late = await cluster.start();
    await until(() => brokenId(late) !== undefined);
    await until(() => cooling(late));
  });
});
