import { requestLogDetailSchema, requestLogPageSchema, type RequestLog } from '@switchboard/contracts';
import { createTestApp, type TestApp } from '../testing/test-app';
import { logEntry, type Owners, seedOwners, writeLogs } from './testing/usage-fixtures';

describe('request log endpoints (real PostgreSQL)', () => {
  let t: TestApp;
  let owners: Owners;
  let modelGroup: string;
  const base = Date.parse('2025-07-01T12:00:00.000Z');

  beforeAll(async () => {
    t = await createTestApp();
    owners = await seedOwners(t.db, {
      projects: 2,
      keys: 4,
      deployments: [{ modelGroup: 'logs' }, { modelGroup: 'logs' }],
    });
    modelGroup = owners.deployments[0].modelGroup;
    const statuses = [200, 200, 429, 200, 500, 200, 400];
    await writeLogs(
      t,
      Array.from({ length: 45 }, (_, i) => {
        const key = owners.keys[i % 4];
        const dep = owners.deployments[i % 2];
        return logEntry({
          // Groups of three rows share a timestamp, so the id breaks the tie in the keyset.
          createdAt: new Date(base + Math.floor(i / 3) * 1000),
          requestId: `req-${i}`,
          keyId: key.id,
          projectId: key.projectId,
          modelGroup,
          deploymentId: dep.id,
          deploymentName: dep.name,
          status: statuses[i % statuses.length],
          attempts: [
            {
              deploymentId: dep.id,
              deploymentName: dep.name,
              modelGroup,
              status: 200,
              errorKind: null,
              latencyMs: 80,
              startedAt: base,
            },
          ],
        });
      }),
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  async function page(query: Record<string, string>) {
    const res = await fetch(`${t.url}/api/logs?${new URLSearchParams(query)}`, { headers: t.adminHeaders });
    expect(res.status).toBe(200);
    return requestLogPageSchema.parse(await res.json());
  }

  /** Follows nextCursor to the end. */
  async function walk(query: Record<string, string>, limit = 7): Promise<RequestLog[]> {
    const all: RequestLog[] = [];
    let cursor: string | null = null;
    do {
      const p = await page({ ...query, limit: String(limit), ...(cursor ? { cursor } : {}) });
      all.push(...p.data);
      cursor = p.nextCursor;
    } while (cursor);
    return all;
  }

  it('walks every row exactly once, newest first, with keyset pages', async () => {
    const rows = await walk({ modelGroup });
    expect(rows).toHaveLength(45);
    expect(new Set(rows.map((r) => r.id)).size).toBe(45);
    const order = rows.map((r) => [Date.parse(r.createdAt), BigInt(r.id)] as const);
    for (let i = 1; i < order.length; i++) {
      const [ta, ia] = order[i - 1];
      const [tb, ib] = order[i];
      expect(ta > tb || (ta === tb && ia > ib)).toBe(true);
    }
    const first = await page({ modelGroup, limit: '45' });
    expect(first.nextCursor).toBeNull();
  });

  it('filters by project, key, deployment, status and time', async () => {
    const everything = await walk({ modelGroup }, 500);
    const [p0] = owners.projects;
    const [k1] = owners.keys.slice(1);
    const [d1] = owners.deployments.slice(1);
    const cases: [Record<string, string>, (r: RequestLog) => boolean][] = [
      [{ projectId: p0.id }, (r) => r.projectId === p0.id],
      [{ keyId: k1.id }, (r) => r.keyId === k1.id],
      [{ deploymentId: d1.id }, (r) => r.deploymentId === d1.id],
      [{ status: 'success' }, (r) => r.status < 400],
      [{ status: 'error' }, (r) => r.status >= 400],
      [{ status: '429' }, (r) => r.status === 429],
      [
        { from: new Date(base + 3000).toISOString(), to: new Date(base + 9000).toISOString() },
        (r) => Date.parse(r.createdAt) >= base + 3000 && Date.parse(r.createdAt) < base + 9000,
      ],
      [{ projectId: p0.id, status: 'error' }, (r) => r.projectId === p0.id && r.status >= 400],
    ];
    for (const [filter, keep] of cases) {
      const want = everything.filter(keep).map((r) => r.id);
      expect(want.length).toBeGreaterThan(0);
      expect((await walk({ modelGroup, ...filter }, 4)).map((r) => r.id)).toEqual(want);
    }
  });

  it('returns one log with its attempts, and 404 for unknown or malformed ids', async () => {
    const [latest] = (await page({ modelGroup, limit: '1' })).data;
    const res = await fetch(`${t.url}/api/logs/${latest.id}`, { headers: t.adminHeaders });
    expect(res.status).toBe(200);
    const detail = requestLogDetailSchema.parse(await res.json());
    expect(detail).toMatchObject({ id: latest.id, requestId: latest.requestId, attemptCount: 1 });
    expect(detail.attempts).toEqual([expect.objectContaining({ status: 200, latencyMs: 80 })]);

    for (const id of ['987654321', 'abc', '-1', '0', '99999999999999999999', '1.5']) {
      const missing = await fetch(`${t.url}/api/logs/${id}`, { headers: t.adminHeaders });
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
    }
  });

  it('rejects a forged cursor and bad filters', async () => {
    const bad = await fetch(`${t.url}/api/logs?cursor=bm90LWEtY3Vyc29y`, { headers: t.adminHeaders });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_cursor');
    expect((await fetch(`${t.url}/api/logs?projectId=nope`, { headers: t.adminHeaders })).status).toBe(400);
    expect((await fetch(`${t.url}/api/logs`)).status).toBe(401);
  });
});
