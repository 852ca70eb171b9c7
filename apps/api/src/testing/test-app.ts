import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Pool } from 'pg';
import { createApp } from '../bootstrap';
import { createLogger } from '../common/logger';
import type { AppConfig } from '../config/app-config';
import { createTestDatabase, type TestDatabase } from './test-database';

export const TEST_MASTER_KEY = 'sk-sb-test-master-key-0123456789';

export interface TestApp {
  app: NestFastifyApplication;
  url: string;
  config: AppConfig;
  database: TestDatabase;
  /** Direct SQL for assertions (tests only). */
  db: Pool;
  adminHeaders: Record<string, string>;
  close(): Promise<void>;
}

export function testConfig(databaseUrl: string, overrides: Partial<AppConfig> = {}): AppConfig {
  return {
    env: 'test',
    host: '127.0.0.1',
    port: 0,
    webPort: 0,
    dataDir: '/tmp/switchboard-test',
    databaseUrl,
    masterKey: TEST_MASTER_KEY,
    encryptionKey: 'test-encryption-key-0123456789abcdef0123',
    redisUrl: undefined,
    redisKeyPrefix: 'switchboard:',
    redisTimeoutMs: 250,
    logLevel: 'silent',
    maxRequestBodyBytes: 1024 * 1024,
    publicUrl: undefined,
    shutdownGraceMs: 2000,
    logFlushIntervalMs: 50,
    logBatchSize: 500,
    logQueueMax: 10000,
    logRetentionDays: 30,
    upstreamConnectTimeoutMs: 5_000,
    upstreamFirstByteTimeoutMs: 60_000,
    upstreamTimeoutMs: 600_000,
    upstreamMaxResponseBytes: 64 * 1024 * 1024,
    sseKeepAliveMs: 15_000,
    upstreamProbeAfterMs: 10_000,
    alertEvaluationIntervalMs: 15_000,
    trustProxy: false,
    metricsToken: undefined,
    oidc: null,
    ...overrides,
  };
}

/** A real app on 127.0.0.1:random over a fresh, migrated database. */
export async function createTestApp(
  overrides: Partial<AppConfig> = {},
  database?: TestDatabase,
): Promise<TestApp> {
  const db = database ?? (await createTestDatabase());
  const config = testConfig(db.url, overrides);
  const app = await createApp(config, createLogger('silent'));
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const pool = new Pool({ connectionString: db.url, max: 2 });
  // An idle connection the server ends (an outage test, a database dropped at teardown) must not become an
  // unhandled 'error' event that fails whichever test runs at that moment; the next query reconnects.
  pool.on('error', () => undefined);
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    config,
    database: db,
    db: pool,
    adminHeaders: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
    async close() {
      await app.close();
      await pool.end();
      if (!database) await db.drop();
    },
  };
}
