import { type GatewayCluster, startGatewayCluster } from '../testing/gateway-cluster';
import { describeWithRedis } from '../testing/redis-server';
import type { TestApp } from '../testing/test-app';

/** Failed sign-ins and unknown keys count on every instance together: alternating instances gains nothing. */
describeWithRedis('throttles shared by several instances through Redis', () => {
  let cluster: GatewayCluster;
  let apps: TestApp[];

  beforeAll(async () => {
    cluster = await startGatewayCluster('sbthrottle:', 2);
    ({ apps } = cluster);
  });
  afterAll(async () => {
    await cluster?.close();
  });

  const signIn = async (t: TestApp) =>
    (
      await fetch(`${t.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'nobody@example.com', password: 'not the password' }),
      })
    ).status;
  const unknownKey = async (t: TestApp) =>
    (await fetch(`${t.url}/v1/models`, { headers: { authorization: 'Bearer sk-sb-not-a-real-key-000000' } }))
      .status;

  it('refuses sign-ins on every instance once the failures on all of them reach the limit', async () => {
    // 10 failures allowed per address: 5 on each instance (on one instance alone, 5 would leave 5 more).
    for (let i = 0; i < 10; i++) expect(await signIn(apps[i % 2]!)).toBe(401);
    // Each instance adopts the shared count with its own failures (the check never waits on Redis): the one
    // that saw the 10th refuses at once, the other after at most one more (limit + instances - 1 in all).
    await new Promise((r) => setTimeout(r, 50));
    expect(await signIn(apps[1]!)).toBe(429);
    const other = [await signIn(apps[0]!), await signIn(apps[0]!)];
    expect(other[1]).toBe(429);
    expect(other.filter((s) => s === 401).length).toBeLessThanOrEqual(1);
  });

  it('refuses unknown keys on every instance once the failures on all of them reach the limit', async () => {
    const settle = () => new Promise((r) => setTimeout(r, 50));
    // 19 failures (the limit is 20 a minute, the 20th is refused), in turn: 10 on one instance, 9 on the other.
    for (let i = 0; i < 19; i++) expect(await unknownKey(apps[i % 2]!)).toBe(401);
    await settle();
    // Each instance knows the shared count as of its own last failure (the check never waits on Redis):
    // the second one last saw 18, so its next failure is the 19th by its count and passes; from then on
    // both know the shared total reached 20. Without sharing it would have 9 and 10 of its own.
    expect(await unknownKey(apps[1]!)).toBe(401);
    await settle();
    expect(await unknownKey(apps[1]!)).toBe(429);
    expect(await unknownKey(apps[0]!)).toBe(429);
  });
});
