import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type FakeUpstream, startFakeUpstream } from '../../../fake-upstream/src';
import { type EmbeddedPostgresHandle, startEmbeddedPostgres } from '../database/embedded-postgres';
import { applyMigrations } from '../database/migration-runner';
import { seedRouting } from '../testing/seed';
import { createTestApp, TEST_MASTER_KEY, type TestApp } from '../testing/test-app';

/** Polls `check` until it returns true (the log writer retries with a backoff of its own). */
async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

describe('database outage (own embedded PostgreSQL, stopped and restarted)', () => {
  let dataDir: string;
  let pg: EmbeddedPostgresHandle | null = null;
  let t: TestApp;
  let upstream: FakeUpstream;

  beforeAll(async () => {
    // Under the run's data folder: the `postgres` user can reach it (a fresh mkdtemp is 0700).
    const parent = process.env.SWITCHBOARD_TEST_DATA_DIR ?? tmpdir();
    dataDir = await mkdtemp(path.join(parent, 'outage-'));
    pg = await startEmbeddedPostgres({ dataDir, stopOnSignals: false });
    await applyMigrations(pg.connectionString);
    t = await createTestApp(
      {},
      { url: pg.connectionString, name: 'switchboard', drop: async () => undefined },
    );
    upstream = await startFakeUpstream({ name: 'outage' });
    await seedRouting(t, [{ name: 'outage-0', modelGroup: 'outage-model', apiBase: upstream.url }]);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await upstream?.close();
    await pg?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }, 30_000);

  const chat = () =>
    fetch(`${t.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'outage-model', messages: [{ role: 'user', content: 'during outage' }] }),
    });

  it('keeps serving and stays ready while PostgreSQL is down; admin answers 503, then recovers', async () => {
    const handle = pg!;
    const port = handle.port;
    // The test's own pool loses its idle connections too; it reconnects after the restart.
    t.db.on('error', () => undefined);
    await handle.stop();
    pg = null;

    const res = await chat();
    expect(res.status).toBe(200);

    const ready = await fetch(`${t.url}/health/readiness`);
    expect(ready.status).toBe(200);

    const health = await fetch(`${t.url}/health`);
    const healthBody = (await health.json()) as { checks: Record<string, { status: string }> };
    expect(healthBody.checks.database?.status).toBe('error');
    expect(healthBody.checks.router?.status).toBe('ok');

    const metrics = await fetch(`${t.url}/metrics`, {
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}` },
    });
    expect(await metrics.text()).toMatch(/^switchboard_database_up 0$/m);

    const admin = await fetch(`${t.url}/api/deployments`, { headers: t.adminHeaders });
    expect(admin.status).toBe(503);
    expect(admin.headers.get('retry-after')).toMatch(/^\d+$/);
    const adminBody = (await admin.json()) as { error: { code: string; message: string } };
    expect(adminBody.error.code).toBe('database_unavailable');
    expect(adminBody.error.message).not.toMatch(/\n\s+at /);

    // Same port and data: the app's pool reconnects by itself.
    pg = await startEmbeddedPostgres({ dataDir, port, stopOnSignals: false });

    expect(
      await eventually(
        async () => (await fetch(`${t.url}/api/deployments`, { headers: t.adminHeaders })).status === 200,
        15_000,
      ),
    ).toBe(true);
    // The row queued while the database was away gets written by the log writer's retries.
    expect(
      await eventually(async () => {
        const rows = await t.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM "RequestLog" WHERE "modelGroup" = 'outage-model'`,
        );
        return (rows.rows[0]?.n ?? 0) >= 1;
      }, 20_000),
    ).toBe(true);
    const up = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${TEST_MASTER_KEY}` } });
    expect(await up.text()).toMatch(/^switchboard_database_up 1$/m);
  }, 60_000);
});
