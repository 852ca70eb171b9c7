import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type FakeUpstream, startFakeUpstream } from '../../../fake-upstream/src';
import { PrismaService } from '../database/prisma.service';
import { adminCall, createProject, uniqueName } from '../keys/testing/admin-client';
import { seedRouting } from '../testing/seed';
import { createTestApp, TEST_MASTER_KEY, testConfig, type TestApp } from '../testing/test-app';
import { createTestDatabase } from '../testing/test-database';
import type { EncodedLogRow } from './request-log.encoding';
import { RequestLogRepository, type RequestLogStore } from './request-log.repository';
import { RequestLogWriter } from './request-log.writer';
import { eventually, logEntry } from './testing/usage-fixtures';

/**
 * Issue #9 item 1: no request, however malformed, may block or lose the request log. Real PostgreSQL.
 */

function tempDir(name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `switchboard-${name}-`));
  chmodSync(dir, 0o755);
  return dir;
}

/** Every line of every dead-letter file in `dir`. */
function deadLetters(dir: string): { reason: string; row: { requestId: string } }[] {
  let files: string[] = [];
  try {
    files = readdirSync(dir);
  } catch {
    return [];
  }
  return files.flatMap((f) =>
    readFileSync(path.join(dir, f), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { reason: string; row: { requestId: string } }),
  );
}

describe('the request log under poison requests (real app, real PostgreSQL)', () => {
  let t: TestApp;
  let up: FakeUpstream;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = tempDir('poison');
    t = await createTestApp({ dataDir });
    up = await startFakeUpstream({ name: 'poison-up' });
    await seedRouting(t, [{ name: 'poison-0', modelGroup: 'gpt-4.1', apiBase: up.url }]);
  });
  afterAll(async () => {
    await t?.close();
    await up?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const send = (body: string, key: string | null) =>
    fetch(`${t.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      },
      body,
    });

  it('logs and bills every request around lone surrogates and NUL bytes, and keeps a budget', async () => {
    const project = await createProject(t);
    const issued = await adminCall(t, 'POST', '/api/keys', {
      projectId: project.id,
      alias: uniqueName('poison'),
      maxBudgetUsd: 0.0004,
      budgetPeriod: 'total',
    });
    expect(issued.status).toBe(201);
    const key = issued.body.key as string;
    const normal = JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] });
    // JSON.stringify writes a lone surrogate as the escape `\udfff`: exactly what a client sends.
    const poisoned = JSON.stringify({
      model: 'gpt-4.1',
      user: '\udfff end user \u0000',
      messages: [{ role: 'user', content: 'hi' }],
    });
    const ids: string[] = [];
    for (const body of [normal, poisoned, normal]) {
      const res = await send(body, key);
      expect(res.status).toBe(200);
      ids.push(res.headers.get('x-request-id')!);
    }
    // Without a key: refused, and must not stop logging either.
    const keyless = await send('{"model":"\\ud800","messages":[{"role":"user","content":"x"}]}', null);
    expect(keyless.status).toBe(401);
    for (let i = 0; i < 3; i++) {
      const res = await send(normal, key);
      if (res.status !== 200) break;
      ids.push(res.headers.get('x-request-id')!);
    }

    const writer = t.app.get(RequestLogWriter);
    expect(await writer.flush()).toBe(true);
    const rows = await t.db.query<{ requestId: string; endUser: string | null; costUsd: number }>(
      `SELECT "requestId", "endUser", "costUsd" FROM "RequestLog" WHERE "requestId" = ANY($1)`,
      [ids],
    );
    expect(rows.rows.map((r) => r.requestId).sort()).toEqual([...ids].sort());
    expect(rows.rows.find((r) => r.requestId === ids[1])?.endUser).toBe('\ufffd end user ');
    const spend = await t.db.query<{ spendUsd: number }>(
      `SELECT "spendUsd" FROM "VirtualKey" WHERE id = $1`,
      [issued.body.id],
    );
    const billed = rows.rows.reduce((sum, r) => sum + r.costUsd, 0);
    expect(billed).toBeGreaterThan(0);
    expect(spend.rows[0]!.spendUsd).toBeCloseTo(billed, 10);

    // The budget bites once the spend reached it (the key reloads its spend from the database).
    await eventually(async () => (await send(normal, key)).status === 429, 10_000);
  });
});

/** Makes the database refuse one row for its data (a date PostgreSQL cannot read), as no sanitising can fix. */
class CorruptingStore implements RequestLogStore {
  constructor(
    private readonly inner: RequestLogStore,
    private readonly marker: string,
  ) {}
  writeBatch(batchId: string, rows: readonly EncodedLogRow[]) {
    return this.inner.writeBatch(
      batchId,
      rows.map((r) =>
        r.includes(this.marker)
          ? (r.replace(/"createdAt":"[^"]*"/, '"createdAt":"not a date"') as EncodedLogRow)
          : r,
      ),
    );
  }
  addSpend(rows: readonly EncodedLogRow[]) {
    return this.inner.addSpend(rows);
  }
}

describe('request-log writer and rows the database refuses (real PostgreSQL)', () => {
  it('splits the batch, writes the rest, sets the row aside with its reason, and still adds its spend', async () => {
    const dataDir = tempDir('dead-letter');
    const t = await createTestApp({ dataDir });
    try {
      const project = await createProject(t);
      const issued = await adminCall(t, 'POST', '/api/keys', {
        projectId: project.id,
        alias: uniqueName('dl'),
      });
      const deadLetterDir = path.join(dataDir, 'dead-letter-writer');
      const writer = new RequestLogWriter(
        new CorruptingStore(t.app.get(RequestLogRepository), 'refused-row'),
        {
          flushIntervalMs: 20,
          batchSize: 50,
          queueMax: 10_000,
          retryBaseMs: 20,
          deadLetterDir,
        },
      );
      try {
        for (let i = 0; i < 49; i++) writer.enqueue(logEntry({ requestId: `dl-ok-${i}` }));
        writer.enqueue(
          logEntry({ requestId: 'refused-row', keyId: issued.body.id, projectId: project.id, costUsd: 0.5 }),
        );
        for (let i = 49; i < 80; i++) writer.enqueue(logEntry({ requestId: `dl-ok-${i}` }));
        expect(await writer.flush()).toBe(true);
        expect(writer.stats()).toMatchObject({ queued: 0, written: 80, deadLettered: 1 });
      } finally {
        await writer.close();
      }
      const written = await t.db.query<{ n: number }>(
        `SELECT count(*)::int n FROM "RequestLog" WHERE "requestId" LIKE 'dl-ok-%'`,
      );
      expect(written.rows[0]!.n).toBe(80);
      const letters = deadLetters(deadLetterDir);
      expect(letters.map((l) => l.row.requestId)).toEqual(['refused-row']);
      expect(letters[0]!.reason).toMatch(/timestamp|date/i);
      await eventually(async () => {
        const spend = await t.db.query<{ spendUsd: number }>(
          `SELECT "spendUsd" FROM "VirtualKey" WHERE id = $1`,
          [issued.body.id],
        );
        return spend.rows[0]!.spendUsd === 0.5;
      });
      // The app's own writer exposes the count as a metric.
      const metrics = await fetch(`${t.url}/metrics`, {
        headers: { authorization: `Bearer ${TEST_MASTER_KEY}` },
      });
      expect(await metrics.text()).toContain('switchboard_request_log_dead_lettered_total');
    } finally {
      await t.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('sets aside what it could not write at shutdown when the database is away', async () => {
    const gone = await createTestDatabase();
    await gone.drop();
    const deadLetterDir = tempDir('shutdown-dead-letter');
    const config = testConfig(gone.url);
    const prisma = new PrismaService(config);
    const repo = new RequestLogRepository(prisma, config);
    const writer = new RequestLogWriter(repo, {
      flushIntervalMs: 20,
      batchSize: 25,
      queueMax: 10_000,
      retryBaseMs: 20,
      retryMaxMs: 50,
      shutdownTimeoutMs: 300,
      deadLetterDir,
    });
    try {
      for (let i = 0; i < 30; i++) writer.enqueue(logEntry({ requestId: `at-exit-${i}` }));
      await writer.close();
      expect(
        deadLetters(deadLetterDir)
          .map((l) => l.row.requestId)
          .sort(),
      ).toEqual(Array.from({ length: 30 }, (_, i) => `at-exit-${i}`).sort());
      expect(writer.stats()).toMatchObject({ queued: 0, deadLettered: 30 });
    } finally {
      await repo.release();
      await prisma.$disconnect();
      rmSync(deadLetterDir, { recursive: true, force: true });
    }
  });
});
