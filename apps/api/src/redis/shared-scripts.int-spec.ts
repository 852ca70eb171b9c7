import { describeWithRedis, startTestRedis, type TestRedis } from '../testing/redis-server';
import { RedisKeyCounters } from '../keys/redis-key-counters';
import { RedisUsageCounters } from '../routing/redis-usage-counters';
import { SharedRedis } from './shared-redis';
import type { ScriptOp } from './shared-scripts';

const INCR: ScriptOp = { name: 'test_incr', keys: 1, lua: `return redis.call('INCRBY', K[1], A[1])` };

describeWithRedis('SharedScripts: one command per tick', () => {
  let server: TestRedis;
  let shared: SharedRedis;

  /** How many script commands (EVALSHA or EVAL) the server has run so far. */
  async function scriptCalls(): Promise<number> {
    const info = await shared.client.info('commandstats');
    let calls = 0;
    for (const m of info.matchAll(/cmdstat_(evalsha|eval):calls=(\d+)/g)) calls += Number(m[2]);
    return calls;
  }

  beforeAll(async () => {
    server = await startTestRedis();
    shared = new SharedRedis({ url: server.url, prefix: 'sbscripts:', commandTimeoutMs: 3_000 });
    await shared.start();
  });
  afterAll(async () => {
    await shared?.stop();
    await server?.stop();
  });

  it('sends the operations of one tick as one script command, each with its own result', async () => {
    const before = await scriptCalls();
    const results = await Promise.all([
      shared.scripts.run(INCR, ['sbscripts:a'], [1]),
      shared.scripts.run(INCR, ['sbscripts:a'], [10]),
      shared.scripts.run(INCR, ['sbscripts:b'], [5]),
    ]);
    expect(results).toEqual([1, 11, 5]);
    expect((await scriptCalls()) - before).toBe(1);
    // The next tick is the next command.
    await shared.scripts.run(INCR, ['sbscripts:a'], [1]);
    expect((await scriptCalls()) - before).toBe(2);
  });

  it('sends deferred operations with the next batch, first in it, or on their own soon after', async () => {
    const before = await scriptCalls();
    const deferred = shared.scripts.runLater(INCR, ['sbscripts:d'], [1]);
    const immediate = shared.scripts.run(INCR, ['sbscripts:d'], [10]);
    expect(await Promise.all([deferred, immediate])).toEqual([1, 11]);
    expect((await scriptCalls()) - before).toBe(1);
    // Nothing to ride on: it still goes.
    await expect(shared.scripts.runLater(INCR, ['sbscripts:d'], [1])).resolves.toBe(12);
    expect((await scriptCalls()) - before).toBe(2);
  });

  it("sends a key's admission and a deployment's reservation made together in one command", async () => {
    const keys = new RedisKeyCounters(shared, { slotTtlMs: 60_000 });
    const deployments = new RedisUsageCounters(shared);
    const now = Date.now();
    const before = await scriptCalls();
    const [admission, reserved] = await Promise.all([
      keys.admit('key-1', { rpm: 5, tpm: null, parallel: null }, 10, now),
      deployments.reserve('dep-1', { rpm: 5, tpm: null }, 10, now),
    ]);
    expect(admission.ok).toBe(true);
    expect(reserved).toBe(true);
    expect((await scriptCalls()) - before).toBe(1);
  });

  it("still sends a key's admission with its per-end-user limits and the deployment's reservation as one command", async () => {
    const keys = new RedisKeyCounters(shared, { slotTtlMs: 60_000 });
    const deployments = new RedisUsageCounters(shared);
    const now = Date.now();
    const endUser = { id: 'alice', rpm: 5, dailyBudgetUsd: 1 };
    const before = await scriptCalls();
    const [admission, reserved] = await Promise.all([
      keys.admit('key-eu', { rpm: null, tpm: null, parallel: null }, 10, now, null, endUser),
      deployments.reserve('dep-eu', { rpm: 5, tpm: null }, 10, now),
    ]);
    expect(admission.ok).toBe(true);
    expect(reserved).toBe(true);
    expect((await scriptCalls()) - before).toBe(1);
  });

  it('rejects every operation of a batch that fails, and the next batch works again', async () => {
    const broken: ScriptOp = { name: 'test_broken', keys: 0, lua: `return redis.call('NO_SUCH_COMMAND')` };
    const outcomes = await Promise.allSettled([
      shared.scripts.run(INCR, ['sbscripts:c'], [1]),
      shared.scripts.run(broken, [], []),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    await expect(shared.scripts.run(INCR, ['sbscripts:c'], [1])).resolves.toBeGreaterThanOrEqual(1);
  });
});
