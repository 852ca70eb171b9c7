import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { AppConfig } from '../config/app-config';
import { PrismaService } from '../database/prisma.service';
import { applyMigrations } from '../database/migration-runner';
import { REQUEST_LOG_SINK, type RequestLogEntry, type RequestLogSink } from './request-log-entry';
import { createTestApp, testConfig, type TestApp } from '../testing/test-app';
import { createTestDatabase } from '../testing/test-database';
import type { EncodedLogRow } from './request-log.encoding';
import { RequestLogRepository, type RequestLogStore } from './request-log.repository';
import { RequestLogWriter } from './request-log.writer';
import { rollupFromFinerSql } from './rollup-sql';
import { eventually, logEntry, seedOwners } from './testing/usage-fixtures';

const count = async (t: TestApp, sql: string, params: unknown[] = []): Promise<number> =>
  Number((await t.db.query<{ n: string }>(sql, params)).rows[0].n);

describe('request-log writer (real PostgreSQL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ logBatchSize: 40, logFlushIntervalMs: 30 });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('writes every enqueued row exactly once, in several batches', async () => {
    const requestIdPrefix = `batching-${randomBytes(3).toString('hex')}-`;
    const sink = t.app.get<symbol, RequestLogSink>(REQUEST_LOG_SINK);
    const batchesBefore = await count(t, `SELECT count(*) n FROM "RequestLogBatch"`);
    for (let i = 0; i < 250; i++) sink.enqueue(logEntry({ requestId: `${requestIdPrefix}${i}` }));
    await eventually(
      async () =>
        (await count(t, `SELECT count(*) n FROM "RequestLog" WHERE "requestId" LIKE $1`, [
          `${requestIdPrefix}%`,
        ])) === 250,
    );
    expect(
      await count(t, `SELECT count(DISTINCT "requestId") n FROM "RequestLog" WHERE "requestId" LIKE $1`, [
        `${requestIdPrefix}%`,
      ]),
    ).toBe(250);
    // 250 rows at 40 per batch: at least 7 batches.
    expect(
      (await count(t, `SELECT count(*) n FROM "RequestLogBatch"`)) - batchesBefore,
    ).toBeGreaterThanOrEqual(7);
  });

  it('adds cost to each key and project and sets the key last used time', async () => {
    const owners = await seedOwners(t.db, { projects: 2, keys: 3, deployments: [] });
    const [k0, k1, k2] = owners.keys; // k0 and k2 in project 0, k1 in project 1
    const last = new Date('2026-03-01T12:00:00.000Z');
    const entries: RequestLogEntry[] = [
      ...Array.from({ length: 30 }, (_, i) =>
        logEntry({
          keyId: k0.id,
          projectId: k0.projectId,
          costUsd: 0.25,
          createdAt: new Date(last.getTime() - i * 1000),
        }),
      ),
      ...Array.from({ length: 10 }, () => logEntry({ keyId: k1.id, projectId: k1.projectId, costUsd: 0.5 })),
      logEntry({ keyId: k2.id, projectId: k2.projectId, costUsd: 0, createdAt: last }),
    ];
    const writer = t.app.get(RequestLogWriter);
    for (const e of entries) writer.enqueue(e);
    expect(await writer.flush()).toBe(true);

    const keys = await t.db.query<{
      id: string;
      spendUsd: number;
      periodSpendUsd: number;
      lastUsedAt: Date | null;
    }>(`SELECT id, "spendUsd", "periodSpendUsd", "lastUsedAt" FROM "VirtualKey" WHERE id = ANY($1)`, [
      [k0.id, k1.id, k2.id],
    ]);
    const byId = new Map(keys.rows.map((r) => [r.id, r]));
    expect(byId.get(k0.id)?.spendUsd).toBeCloseTo(7.5, 9);
    expect(byId.get(k0.id)?.periodSpendUsd).toBeCloseTo(7.5, 9);
    expect(byId.get(k0.id)?.lastUsedAt?.toISOString()).toBe(last.toISOString());
    expect(byId.get(k1.id)?.spendUsd).toBeCloseTo(5, 9);
    expect(byId.get(k2.id)?.spendUsd).toBe(0);
    expect(byId.get(k2.id)?.lastUsedAt?.toISOString()).toBe(last.toISOString());
    const projects = await t.db.query<{ id: string; spendUsd: number }>(
      `SELECT id, "spendUsd" FROM "Project" WHERE id = ANY($1)`,
      [owners.projects.map((p) => p.id)],
    );
    const spend = new Map(projects.rows.map((r) => [r.id, r.spendUsd]));
    expect(spend.get(owners.projects[0].id)).toBeCloseTo(7.5, 9);
    expect(spend.get(owners.projects[1].id)).toBeCloseTo(5, 9);
  });

  it('keeps minute, hour and day rollups equal to what the raw rows say', async () => {
    const owners = await seedOwners(t.db, {
      projects: 2,
      keys: 4,
      deployments: [{ modelGroup: 'a' }, { modelGroup: 'b' }],
    });
    const base = Date.parse('2026-02-10T08:00:00.000Z');
    const entries = Array.from({ length: 400 }, (_, i) => {
      const key = owners.keys[i % 4];
      const dep = owners.deployments[i % 2];
      const status = i % 9 === 0 ? 429 : i % 13 === 0 ? 500 : 200;
      return logEntry({
        // Every 22.5 s over ~2.5 hours, so rows share minutes, hours and days.
        createdAt: new Date(base + i * 22_500),
        keyId: i % 17 === 0 ? null : key.id,
        projectId: i % 17 === 0 ? null : key.projectId,
        deploymentId: i % 23 === 0 ? null : dep.id,
        deploymentName: i % 23 === 0 ? null : dep.name,
        modelGroup: dep.modelGroup,
        status,
        latencyMs: (i * 137) % 12_000,
        promptTokens: i,
        completionTokens: 2 * i,
        totalTokens: 3 * i,
        costUsd: i / 1000,
      });
    });
    const writer = t.app.get(RequestLogWriter);
    for (const e of entries) writer.enqueue(e);
    expect(await writer.flush()).toBe(true);

    const groups = owners.deployments.map((d) => d.modelGroup);
    for (const [table, unit] of [
      ['UsageRollup', 'minute'],
      ['UsageRollupHour', 'hour'],
      ['UsageRollupDay', 'day'],
    ] as const) {
      const raw = await t.db.query(
        `SELECT date_trunc('${unit}', "createdAt", 'UTC') AS bucket, "modelGroup",
           COALESCE("deploymentId"::text, '-') d, COALESCE("projectId"::text, '-') p, COALESCE("keyId"::text, '-') k,
           count(*)::int requests, (count(*) FILTER (WHERE status >= 400))::int errors,
           sum("promptTokens")::int pt, sum("completionTokens")::int ct, sum("totalTokens")::int tt,
           round(sum("costUsd")::numeric, 9)::text cost, sum("latencyMs")::int lat
         FROM "RequestLog" WHERE "modelGroup" = ANY($1) GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`,
        [groups],
      );
      const rolled = await t.db.query(
        `SELECT bucket, "modelGroup",
           CASE WHEN "deploymentId" = '00000000-0000-0000-0000-000000000000' THEN '-' ELSE "deploymentId"::text END d,
           CASE WHEN "projectId" = '00000000-0000-0000-0000-000000000000' THEN '-' ELSE "projectId"::text END p,
           CASE WHEN "keyId" = '00000000-0000-0000-0000-000000000000' THEN '-' ELSE "keyId"::text END k,
           requests, errors, "promptTokens"::int pt, "completionTokens"::int ct, "totalTokens"::int tt,
           round("costUsd"::numeric, 9)::text cost, "latencyMsSum"::int lat
         FROM "${table}" WHERE "modelGroup" = ANY($1) ORDER BY 1, 2, 3, 4, 5`,
        [groups],
      );
      expect(rolled.rows).toEqual(raw.rows);
      const hist = await t.db.query<{ requests: number; histTotal: number }>(
        `SELECT requests, (SELECT sum(c)::int FROM unnest("latencyHist") c) AS "histTotal" FROM "${table}" WHERE "modelGroup" = ANY($1)`,
        [groups],
      );
      for (const r of hist.rows) expect(r.histTotal).toBe(r.requests);
    }

    // Summing the finer rollup (the stats bench's shortcut) gives the same hours and days, histograms
    // included: rebuilt inside a transaction that is rolled back.
    const client = await t.db.connect();
    try {
      const columns = `bucket, "modelGroup", "deploymentId", "projectId", "keyId", "deploymentName", requests, errors,
        "promptTokens", "completionTokens", "totalTokens", round("costUsd"::numeric, 9)::text cost, "latencyMsSum",
        "latencyHist", "latencySketch"`;
      for (const [table, finer] of [
        ['UsageRollupHour', 'UsageRollup'],
        ['UsageRollupDay', 'UsageRollupHour'],
      ] as const) {
        const read = () =>
          client.query(
            `SELECT ${columns} FROM "${table}" WHERE "modelGroup" = ANY($1) ORDER BY 1, 2, 3, 4, 5`,
            [groups],
          );
        const written = await read();
        expect(written.rows.length).toBeGreaterThan(1);
        await client.query('BEGIN');
        await client.query(`DELETE FROM "${table}" WHERE "modelGroup" = ANY($1)`, [groups]);
        const only = groups.map((g) => `'${g}'`).join(', ');
        await client.query(
          rollupFromFinerSql(table, `(SELECT * FROM "${finer}" WHERE "modelGroup" IN (${only}))`),
        );
        const summed = await read();
        await client.query('ROLLBACK');
        expect(summed.rows).toEqual(written.rows);
      }
    } finally {
      client.release();
    }
  });
});

/** Fails the first `failures` writes; with `afterCommit` the write has happened (an acknowledgement lost). */
class FlakyStore implements RequestLogStore {
  calls = 0;
  constructor(
    private readonly inner: RequestLogStore,
    private failures: number,
    private readonly afterCommit = false,
  ) {}
  async writeBatch(batchId: string, rows: readonly EncodedLogRow[]) {
    this.calls++;
    if (this.failures > 0) {
      this.failures--;
      if (this.afterCommit) await this.inner.writeBatch(batchId, rows);
      throw new Error('connection reset');
    }
    return this.inner.writeBatch(batchId, rows);
  }
  addSpend(rows: readonly EncodedLogRow[]) {
    return this.inner.addSpend(rows);
  }
}

describe('request-log writer when the database is away (real PostgreSQL)', () => {
  const prismas: PrismaService[] = [];
  const repos: RequestLogRepository[] = [];
  const writers: RequestLogWriter[] = [];
  afterAll(async () => {
    await Promise.all(writers.map((w) => w.close()));
    await Promise.all(repos.map((r) => r.release()));
    await Promise.all(prismas.map((p) => p.$disconnect()));
  });

  function writerOn(store: RequestLogStore, extra: { queueMax?: number } = {}) {
    const w = new RequestLogWriter(store, {
      flushIntervalMs: 20,
      batchSize: 25,
      queueMax: extra.queueMax ?? 10_000,
      retryBaseMs: 20,
      retryMaxMs: 100,
      shutdownTimeoutMs: 5000,
      deadLetterDir: path.join(tmpdir(), `switchboard-dead-letter-int-${process.pid}`),
    });
    writers.push(w);
    return w;
  }
  function repositoryFor(config: AppConfig) {
    const prisma = new PrismaService(config);
    prismas.push(prisma);
    const repo = new RequestLogRepository(prisma, config);
    repos.push(repo);
    return { repo, prisma };
  }

  it('keeps rows while the database does not exist yet and writes them all once it does', async () => {
    const existing = await createTestDatabase();
    await existing.drop(); // its name and URL, with no database behind them
    const { repo, prisma } = repositoryFor(testConfig(existing.url));
    const writer = writerOn(repo);
    for (let i = 0; i < 120; i++) writer.enqueue(logEntry({ requestId: `outage-${i}` }));
    await eventually(() => writer.stats().failedFlushes >= 2);
    expect(writer.stats()).toMatchObject({ queued: 120, written: 0, dropped: 0 });

    const admin = new Client({ connectionString: process.env.SWITCHBOARD_TEST_ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${existing.name}`);
    await admin.end();
    await applyMigrations(existing.url);
    try {
      await eventually(() => writer.stats().written === 120, 15_000);
      const db = new Client({ connectionString: existing.url });
      await db.connect();
      const rows = await db.query<{ n: number; distinct: number }>(
        `SELECT count(*)::int n, count(DISTINCT "requestId")::int "distinct" FROM "RequestLog"`,
      );
      await db.end();
      expect(rows.rows[0]).toEqual({ n: 120, distinct: 120 });
      expect(writer.stats().queued).toBe(0);
    } finally {
      await writer.close();
      await repo.release();
      await prisma.$disconnect();
      await existing.drop();
    }
  });

  it('does not write a batch twice when a commit succeeded but its acknowledgement was lost', async () => {
    const t = await createTestApp();
    try {
      const store = new FlakyStore(t.app.get(RequestLogRepository), 2, true);
      const writer = writerOn(store);
      for (let i = 0; i < 60; i++) writer.enqueue(logEntry({ requestId: `ack-lost-${i}` }));
      expect(await writer.flush()).toBe(true);
      expect(store.calls).toBeGreaterThan(3);
      expect(writer.stats()).toMatchObject({ queued: 0, written: 60, failedFlushes: 2 });
      expect(await count(t, `SELECT count(*) n FROM "RequestLog" WHERE "requestId" LIKE 'ack-lost-%'`)).toBe(
        60,
      );
    } finally {
      await t.close();
    }
  });

  it('flushes the queue when the app shuts down gracefully', async () => {
    const database = await createTestDatabase();
    // Neither the timer nor the batch size would write these rows before the shutdown.
    const t = await createTestApp({ logFlushIntervalMs: 600_000, logBatchSize: 100_000 }, database);
    try {
      const sink = t.app.get<symbol, RequestLogSink>(REQUEST_LOG_SINK);
      for (let i = 0; i < 37; i++) sink.enqueue(logEntry({ requestId: `shutdown-${i}` }));
      expect(await count(t, `SELECT count(*) n FROM "RequestLog"`)).toBe(0);
      await t.app.close();
      expect(await count(t, `SELECT count(*) n FROM "RequestLog"`)).toBe(37);
    } finally {
      await t.db.end();
      await database.drop();
    }
  });
});
