import { type Distribution, distributionSchema } from '@switchboard/contracts';
import type { RequestLogEntry } from './request-log-entry';
import { createTestApp, type TestApp } from '../testing/test-app';
import {
  emptyHistogram,
  emptySketch,
  estimateQuantile,
  estimateSketchQuantile,
  latencyBucket,
  SKETCH_BOUNDS_MS,
  sketchBucket,
} from './latency-histogram';
import { pruneRequestLogs } from './log-retention.service';
import { RequestLogRepository } from './request-log.repository';
import { usageSummarySchema } from '@switchboard/contracts';
import { logEntry, seedOwners, writeLogs } from './testing/usage-fixtures';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

async function distribution(t: TestApp, query: Record<string, string>): Promise<Distribution> {
  const res = await fetch(`${t.url}/api/stats/distribution?${new URLSearchParams(query)}`, {
    headers: t.adminHeaders,
  });
  expect(res.status).toBe(200);
  return distributionSchema.parse(await res.json());
}

/** What the distribution should say, computed from the rows themselves. */
function expected(rows: RequestLogEntry[]) {
  const sketch = emptySketch();
  for (const r of rows) sketch[sketchBucket(r.latencyMs)]++;
  return {
    requests: rows.length,
    errors: rows.filter((r) => r.status >= 400).length,
    promptTokens: rows.reduce((s, r) => s + r.promptTokens, 0),
    completionTokens: rows.reduce((s, r) => s + r.completionTokens, 0),
    totalTokens: rows.reduce((s, r) => s + r.totalTokens, 0),
    costUsd: Math.round(rows.reduce((s, r) => s + r.costUsd, 0) * 1e6) / 1e6,
    latencyP50Ms: estimateSketchQuantile(sketch, 0.5),
    latencyP95Ms: estimateSketchQuantile(sketch, 0.95),
  };
}

describe('usage statistics from rollups (real PostgreSQL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers per-deployment groups, shares and hourly buckets for a range with ragged edges', async () => {
    const owners = await seedOwners(t.db, {
      projects: 1,
      keys: 1,
      deployments: [{ modelGroup: 'g' }, { modelGroup: 'g' }],
    });
    const [d0, d1] = owners.deployments;
    const start = Date.parse('2025-06-10T09:00:00.000Z');
    const rows = Array.from({ length: 160 }, (_, i) => {
      const dep = i % 11 === 0 ? null : i % 3 === 2 ? d1 : d0;
      return logEntry({
        createdAt: new Date(start + i * 90_000), // 09:00 .. 12:58:30
        modelGroup: d0.modelGroup,
        deploymentId: dep?.id ?? null,
        deploymentName: dep?.name ?? null,
        status: i % 7 === 0 ? 429 : 200,
        latencyMs: 40 + ((i * 97) % 3000),
        promptTokens: i,
        completionTokens: 1,
        totalTokens: i + 1,
        costUsd: 0.0125,
      });
    });
    await writeLogs(t, rows);

    const from = new Date('2025-06-10T09:30:00.000Z');
    const to = new Date('2025-06-10T12:45:00.000Z');
    const body = await distribution(t, {
      from: from.toISOString(),
      to: to.toISOString(),
      groupBy: 'deployment',
      interval: 'hour',
    });
    const inRange = rows.filter((r) => r.createdAt >= from && r.createdAt < to);
    expect(body.totals).toEqual(expected(inRange));
    expect(body.groups.map((g) => g.label)).toEqual([d0.name, d1.name, '(no deployment)']);

    const hours = ['09', '10', '11', '12'].map((h) => `2025-06-10T${h}:00:00.000Z`);
    for (const group of body.groups) {
      const mine = inRange.filter((r) => r.deploymentId === group.key);
      const { requests, ...rest } = expected(mine);
      expect(group.totals).toEqual({ requests, ...rest, share: requests / inRange.length });
      expect(group.buckets.map((b) => b.bucket)).toEqual(hours);
      expect(group.buckets.map((b) => b.requests)).toEqual(
        hours.map(
          (h) =>
            mine.filter(
              (r) => r.createdAt.getTime() >= Date.parse(h) && r.createdAt.getTime() < Date.parse(h) + HOUR,
            ).length,
        ),
      );
    }
    expect(body.groups.reduce((s, g) => s + g.totals.share, 0)).toBeCloseTo(1, 12);
  });

  it('labels projects, keys and model groups, and keeps a deleted deployment under its last name', async () => {
    const owners = await seedOwners(t.db, {
      projects: 2,
      keys: 4,
      deployments: [{ modelGroup: 'm1' }, { modelGroup: 'm2' }],
    });
    const start = Date.parse('2025-03-01T00:00:00.000Z');
    const rows = Array.from({ length: 120 }, (_, i) => {
      const key = owners.keys[i % 4];
      const dep = owners.deployments[i % 2];
      return logEntry({
        createdAt: new Date(start + (i % 30) * DAY + i * MIN),
        keyId: key.id,
        projectId: key.projectId,
        modelGroup: dep.modelGroup,
        deploymentId: dep.id,
        deploymentName: dep.name,
        costUsd: 0.5,
      });
    });
    await writeLogs(t, rows);
    await t.db.query(`DELETE FROM "Deployment" WHERE id = $1`, [owners.deployments[1].id]);
    const range = { from: '2025-03-01T00:00:00.000Z', to: '2025-03-31T00:00:00.000Z', interval: 'day' };

    const byProject = await distribution(t, { ...range, groupBy: 'project' });
    expect(byProject.totals.requests).toBe(120);
    expect(byProject.totals.costUsd).toBe(60);
    expect(byProject.groups.map((g) => [g.label, g.totals.requests, g.totals.share])).toEqual(
      owners.projects.map((p) => [p.name, 60, 0.5]),
    );
    expect(byProject.groups[0].buckets).toHaveLength(30);
    expect(byProject.groups[0].buckets.reduce((s, b) => s + b.requests, 0)).toBe(60);

    const byKey = await distribution(t, { ...range, groupBy: 'key' });
    expect(new Map(byKey.groups.map((g) => [g.key, g.label]))).toEqual(
      new Map(owners.keys.map((k) => [k.id, k.alias ?? k.prefix])),
    );

    const byGroup = await distribution(t, { ...range, groupBy: 'modelGroup' });
    expect(byGroup.groups.map((g) => g.label).sort()).toEqual(
      owners.deployments.map((d) => d.modelGroup).sort(),
    );

    const byDeployment = await distribution(t, { ...range, groupBy: 'deployment' });
    expect(byDeployment.groups.map((g) => g.label).sort()).toEqual(
      owners.deployments.map((d) => d.name).sort(),
    );
  });

  it('summarises a range for the overview', async () => {
    const start = Date.parse('2025-05-01T10:00:00.000Z');
    const rows = Array.from({ length: 60 }, (_, i) =>
      logEntry({
        createdAt: new Date(start + i * MIN),
        status: i < 6 ? 500 : 200,
        latencyMs: 100 + i,
        costUsd: 0.01,
      }),
    );
    await writeLogs(t, rows);
    const res = await fetch(
      `${t.url}/api/stats/summary?from=2025-05-01T10:00:00.000Z&to=2025-05-01T11:00:00.000Z`,
      { headers: t.adminHeaders },
    );
    expect(res.status).toBe(200);
    const body = usageSummarySchema.parse(await res.json());
    expect(body).toMatchObject({
      requests: 60,
      errors: 6,
      errorRate: 0.1,
      requestsPerMinute: 1,
      costUsd: 0.6,
    });
    expect(body).toMatchObject({
      latencyP50Ms: expected(rows).latencyP50Ms,
      latencyP95Ms: expected(rows).latencyP95Ms,
    });
  });

  it('reports fast latencies as they are (not the middle of a 0-50 ms bucket), and old rows coarsely', async () => {
    const owners = await seedOwners(t.db, { projects: 1, keys: 1, deployments: [{ modelGroup: 'fast' }] });
    const [dep] = owners.deployments;
    const at = Date.parse('2025-04-01T10:00:00.000Z');
    // 2 and 3 ms answers and a few instant refusals, as the logs of a fast deployment show them.
    const latencies = [...Array(40).fill(2), ...Array(50).fill(3), ...Array(10).fill(0)];
    const rows = latencies.map((latencyMs, i) =>
      logEntry({
        createdAt: new Date(at + i * 100),
        modelGroup: 'fast',
        deploymentId: dep!.id,
        projectId: owners.projects[0]!.id,
        keyId: owners.keys[0]!.id,
        latencyMs,
      }),
    );
    await writeLogs(t, rows);
    const range = { from: '2025-04-01T10:00:00.000Z', to: '2025-04-01T10:01:00.000Z' };
    const summary = async () => {
      const res = await fetch(`${t.url}/api/stats/summary?${new URLSearchParams(range)}`, {
        headers: t.adminHeaders,
      });
      return usageSummarySchema.parse(await res.json());
    };
    // The 50th of 100 is a 2 ms answer, the 95th a 3 ms one.
    expect(await summary()).toMatchObject({ requests: 100, latencyP50Ms: 2, latencyP95Ms: 3 });

    // Rollup rows written before the fine histogram existed: the coarse estimate, as before.
    for (const table of ['UsageRollup', 'UsageRollupHour', 'UsageRollupDay'])
      await t.db.query(`UPDATE "${table}" SET "latencySketch" = '{}' WHERE "modelGroup" = 'fast'`);
    const coarse = emptyHistogram();
    for (const l of latencies) coarse[latencyBucket(l)]++;
    expect(await summary()).toMatchObject({ latencyP50Ms: estimateQuantile(coarse, 0.5) });
    expect(estimateQuantile(coarse, 0.5)).toBeGreaterThan(20); // what the console showed for 3 ms
  });

  it('buckets latencies in SQL exactly as the code does', async () => {
    const samples = [0, 1, 2, 19, 20, 21, 22, 23, 24, 50, 99, 100, 1234, 59_999, 600_000, 10 ** 7];
    for (const b of SKETCH_BOUNDS_MS.slice(0, 60)) samples.push(b - 1, b);
    const { rows } = await t.db.query<{ v: number; b: number }>(
      `SELECT v, width_bucket(v, ARRAY[${SKETCH_BOUNDS_MS.join(',')}]::int[]) AS b FROM unnest($1::int[]) v`,
      [samples],
    );
    for (const r of rows) expect([r.v, sketchBucket(r.v)]).toEqual([r.v, r.b]);
  });

  it('rejects bad ranges and requests without the master key', async () => {
    const q = (s: string) => fetch(`${t.url}/api/stats/distribution?${s}`, { headers: t.adminHeaders });
    const backwards = await q('from=2025-01-02T00:00:00Z&to=2025-01-01T00:00:00Z');
    expect(backwards.status).toBe(400);
    expect(((await backwards.json()) as { error: { code: string } }).error.code).toBe('invalid_range');
    const tooMany = await q('from=2025-01-01T00:00:00Z&to=2025-03-01T00:00:00Z&interval=minute');
    expect(tooMany.status).toBe(400);
    expect((await q('from=yesterday&to=today')).status).toBe(400);
    const anonymous = await fetch(
      `${t.url}/api/stats/distribution?from=2025-01-01T00:00:00Z&to=2025-01-02T00:00:00Z`,
    );
    expect(anonymous.status).toBe(401);
  });
});

describe('log retention (real PostgreSQL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('deletes raw rows past the retention in chunks while the distribution still counts them', async () => {
    const now = new Date('2025-09-01T00:00:00.000Z');
    const old = Array.from({ length: 25 }, (_, i) =>
      logEntry({ createdAt: new Date(now.getTime() - 40 * DAY + i * MIN), requestId: `old-${i}` }),
    );
    const recent = Array.from({ length: 5 }, (_, i) =>
      logEntry({ createdAt: new Date(now.getTime() - DAY + i * MIN), requestId: `recent-${i}` }),
    );
    await writeLogs(t, [...old, ...recent]);

    const deleted = await pruneRequestLogs(t.app.get(RequestLogRepository), {
      retentionDays: 30,
      now,
      chunkSize: 10,
    });
    expect(deleted).toBe(25);
    const left = await t.db.query<{ requestId: string }>(
      `SELECT "requestId" FROM "RequestLog" ORDER BY "requestId"`,
    );
    expect(left.rows.map((r) => r.requestId)).toEqual(recent.map((r) => r.requestId).sort());

    const body = await distribution(t, {
      from: new Date(now.getTime() - 45 * DAY).toISOString(),
      to: now.toISOString(),
      interval: 'day',
    });
    expect(body.totals.requests).toBe(30);
    expect(await pruneRequestLogs(t.app.get(RequestLogRepository), { retentionDays: 0, now })).toBe(0);
  });
});
