import { createTestApp, type TestApp } from '../testing/test-app';

describe('health endpoints (real PostgreSQL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers liveliness without auth', async () => {
    const res = await fetch(`${t.url}/health/liveliness`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('reports the database reachable and every migration applied', async () => {
    const res = await fetch(`${t.url}/health`);
    const body = (await res.json()) as { status: string; checks: Record<string, { status: string }> };
    expect(res.status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.checks.database?.status).toBe('ok');
    expect(body.checks.migrations?.status).toBe('ok');
  });

  it('stays ready with a migration missing, and reports it in /health', async () => {
    await t.db.query(`DELETE FROM _prisma_migrations`);
    const res = await fetch(`${t.url}/health`);
    const body = (await res.json()) as {
      status: string;
      checks: Record<string, { status: string; detail?: string }>;
    };
    expect(res.status).toBe(200);
    expect(body.status).toBe('degraded');
    expect(body.checks.migrations?.detail).toMatch(/pending: .*_init/);
    expect((await fetch(`${t.url}/health/readiness`)).status).toBe(200);
  });
});
