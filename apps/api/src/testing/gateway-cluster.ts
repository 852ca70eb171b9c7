import { REDIS_TEST_TIMEOUT_MS, startTestRedis, type TestRedis } from './redis-server';
import { createTestApp, type TestApp } from './test-app';
import { createTestDatabase, type TestDatabase } from './test-database';

/** Several gateway instances on one PostgreSQL and one real redis-server, as an operator scales out. */
export interface GatewayCluster {
  redis: TestRedis;
  database: TestDatabase;
  apps: TestApp[];
  /** One more instance (e.g. one that starts after the others). */
  start(): Promise<TestApp>;
  close(): Promise<void>;
}

export async function startGatewayCluster(keyPrefix: string, instances: number): Promise<GatewayCluster> {
  const redis = await startTestRedis();
  const database = await createTestDatabase();
  const apps: TestApp[] = [];
  const start = async () => {
    const t = await createTestApp(
      { redisUrl: redis.url, redisKeyPrefix: keyPrefix, redisTimeoutMs: REDIS_TEST_TIMEOUT_MS },
      database,
    );
    apps.push(t);
    return t;
  };
  for (let i = 0; i < instances; i++) await start();
  return {
    redis,
    database,
    apps,
    start,
    async close() {
      // The database outlives each instance, as it does when an operator restarts one.
      for (const t of apps.splice(0)) {
        await t.app.close();
        await t.db.end();
      }
      await database.drop();
      await redis.stop();
    },
  };
}

/** Polls `check` until it holds (bounded): for state that reaches other instances asynchronously. */
export async function until(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
