import {
  type Distribution,
  distributionSchema,
  type EndUserList,
  endUserListSchema,
  type UsageSummary,
  usageSummarySchema,
} from '@switchboard/contracts';
import { addAccount, apiTokenFor } from '../accounts/testing/accounts';
import { createTestApp, type TestApp } from '../testing/test-app';
import type { RequestLogEntry } from './request-log-entry';
import { logEntry, type Owners, seedOwners, writeLogs } from './testing/usage-fixtures';

const MIN = 60_000;

type Filter = { modelGroup?: string; projectId?: string; keyId?: string };

async function get<T>(
  t: TestApp,
  path: string,
  query: Record<string, string>,
  parse: (body: unknown) => T,
  headers: Record<string, string> = t.adminHeaders,
): Promise<T> {
  const res = await fetch(`${t.url}/api/stats/${path}?${new URLSearchParams(query)}`, { headers });
  const body: unknown = await res.json();
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
  return parse(body);
}
const summary = (t: TestApp, q: Record<string, string>, h?: Record<string, string>): Promise<UsageSummary> =>
  get(t, 'summary', q, (b) => usageSummarySchema.parse(b), h);
const distribution = (
  t: TestApp,
  q: Record<string, string>,
  h?: Record<string, string>,
): Promise<Distribution> => get(t, 'distribution', q, (b) => distributionSchema.parse(b), h);
const endUsers = (t: TestApp, q: Record<string, string>, h?: Record<string, string>): Promise<EndUserList> =>
  get(t, 'end-users', q, (b) => endUserListSchema.parse(b), h);

const matches = (r: RequestLogEntry, f: Filter): boolean =>
  (f.modelGroup === undefined || r.modelGroup === f.modelGroup) &&
  (f.projectId === undefined || r.projectId === f.projectId) &&
  (f.keyId === undefined || r.keyId === f.keyId);

/** Rows across three days, every key, both model groups, some errors, uneven costs. */
function spread(owners: Owners, start: number, count: number): RequestLogEntry[] {
  return Array.from({ length: count }, (_, i) => {
    const key = owners.keys[i % owners.keys.length]!;
    const dep = owners.deployments[Math.floor(i / 2) % owners.deployments.length]!;
    return logEntry({
      createdAt: new Date(start + i * 17 * MIN + (i % 5) * 7_000),
      keyId: key.id,
      projectId: key.projectId,
      modelGroup: dep.modelGroup,
      deploymentId: dep.id,
      deploymentName: dep.name,
      status: i % 9 === 0 ? 502 : 200,
      totalTokens: 10 + i,
      costUsd: 0.001 * ((i % 7) + 1),
    });
  });
}

describe('Overview filters and end users (real PostgreSQL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('narrows the summary and the distribution by model group, project and key at minute, hour and day levels', async () => {
    const owners = await seedOwners(t.db, {
      projects: 2,
      keys: 4,
      deployments: [{ modelGroup: 'fa' }, { modelGroup: 'fb' }],
    });
    const rows = spread(owners, Date.parse('2025-07-01T00:00:00.000Z'), 250); // 3 days
    await writeLogs(t, rows);
    const [p0, p1] = owners.projects;
    const filters: Filter[] = [
      {},
      { modelGroup: owners.deployments[0]!.modelGroup },
      { projectId: p1!.id },
      { keyId: owners.keys[2]!.id },
      { projectId: p0!.id, modelGroup: owners.deployments[1]!.modelGroup },
      { projectId: p0!.id, keyId: owners.keys[1]!.id }, // a key of another project: nothing
    ];
    // Ragged edges: whole days, whole hours and minutes are all read (summary and day buckets).
    const wide = { from: '2025-07-01T05:27:00.000Z', to: '2025-07-03T22:13:30.000Z' };
    // Minute buckets read the minute table only; hour buckets the hour table and the minute edges.
    const narrow = { from: '2025-07-02T10:03:00.000Z', to: '2025-07-02T12:41:00.000Z' };
    // The rollups count whole minutes: a minute counts when it starts before `to`.
    const inRange = (r: RequestLogEntry, range: { from: string; to: string }) =>
      r.createdAt.getTime() >= Math.floor(Date.parse(range.from) / MIN) * MIN &&
      r.createdAt.getTime() < Math.ceil(Date.parse(range.to) / MIN) * MIN;
    const cost = (rs: RequestLogEntry[]) => rs.reduce((s, r) => s + r.costUsd, 0);

    for (const f of filters) {
      const q = f as Record<string, string>;
      const wideRows = rows.filter((r) => inRange(r, wide) && matches(r, f));
      const s = await summary(t, { ...wide, ...q });
      expect([f, s.requests, s.errors, s.totalTokens]).toEqual([
        f,
        wideRows.length,
        wideRows.filter((r) => r.status >= 400).length,
        wideRows.reduce((n, r) => n + r.totalTokens, 0),
      ]);
      expect(s.costUsd).toBeCloseTo(cost(wideRows), 9);

      const byDay = await distribution(t, { ...wide, ...q, groupBy: 'key', interval: 'day' });
      expect([f, byDay.totals.requests]).toEqual([f, wideRows.length]);
      for (const g of byDay.groups) {
        expect([f, g.key, g.totals.requests]).toEqual([
          f,
          g.key,
          wideRows.filter((r) => r.keyId === g.key).length,
        ]);
      }

      const narrowRows = rows.filter((r) => inRange(r, narrow) && matches(r, f));
      for (const interval of ['minute', 'hour']) {
        const d = await distribution(t, { ...narrow, ...q, groupBy: 'modelGroup', interval });
        expect([f, interval, d.totals.requests]).toEqual([f, interval, narrowRows.length]);
        expect(d.totals.costUsd).toBeCloseTo(cost(narrowRows), 9);
        expect(d.groups.map((g) => g.key).sort()).toEqual(
          [...new Set(narrowRows.map((r) => r.modelGroup))].sort(),
        );
      }
    }
    // Without per-bucket latency (what the console asks for): the same groups, series and totals, latency
    // percentiles included; only the buckets' own percentiles are left out.
    for (const interval of ['minute', 'hour', 'day']) {
      const range = interval === 'minute' ? narrow : wide;
      const full = await distribution(t, { ...range, groupBy: 'key', interval });
      const lean = await distribution(t, { ...range, groupBy: 'key', interval, bucketLatency: 'false' });
      expect(lean.totals).toEqual(full.totals);
      expect(lean.groups.map((g) => g.totals)).toEqual(full.groups.map((g) => g.totals));
      expect(lean.groups.flatMap((g) => g.buckets.map((b) => [b.bucket, b.requests, b.costUsd]))).toEqual(
        full.groups.flatMap((g) => g.buckets.map((b) => [b.bucket, b.requests, b.costUsd])),
      );
      expect(lean.groups.flatMap((g) => g.buckets.map((b) => b.latencyP95Ms)).every((p) => p === null)).toBe(
        true,
      );
      expect(full.totals.latencyP95Ms).not.toBeNull();
    }

    // The filters really narrow: each is a strict part of the whole.
    const all = await summary(t, wide);
    const byKey = await summary(t, { ...wide, keyId: owners.keys[2]!.id });
    expect(byKey.requests).toBeGreaterThan(0);
    expect(byKey.requests).toBeLessThan(all.requests);
  });

  it("gives a project member nothing of another project's numbers through a filter", async () => {
    const owners = await seedOwners(t.db, { projects: 2, keys: 2, deployments: [{ modelGroup: 'fm' }] });
    const [mine, theirs] = owners.projects;
    const rows = spread(owners, Date.parse('2025-07-10T00:00:00.000Z'), 60).map((r, i) => ({
      ...r,
      endUser: `user-${i % 3}`,
    }));
    await writeLogs(t, rows);
    await addAccount(t, 'member-filters@example.com', 'project-member', [mine!.id]);
    const member = { authorization: `Bearer ${await apiTokenFor(t, 'member-filters@example.com')}` };
    const range = { from: '2025-07-10T00:00:00.000Z', to: '2025-07-11T00:00:00.000Z' };
    const theirKey = owners.keys.find((k) => k.projectId === theirs!.id)!;
    const myRows = rows.filter((r) => r.projectId === mine!.id);

    const filters: Record<string, string>[] = [{ projectId: theirs!.id }, { keyId: theirKey.id }];
    for (const q of filters) {
      expect((await summary(t, { ...range, ...q }, member)).requests).toBe(0);
      const d = await distribution(t, { ...range, ...q, groupBy: 'key', interval: 'hour' }, member);
      expect(d.groups).toEqual([]);
      const u = await endUsers(t, { ...range, ...q }, member);
      expect([u.endUsers, u.requests]).toEqual([[], 0]);
      // The master key sees them.
      expect((await summary(t, { ...range, ...q })).requests).toBeGreaterThan(0);
    }
    // Unfiltered, or filtered on their own project: their own numbers only.
    expect((await summary(t, range, member)).requests).toBe(myRows.length);
    expect((await summary(t, { ...range, projectId: mine!.id }, member)).requests).toBe(myRows.length);
    expect((await endUsers(t, range, member)).requests).toBe(myRows.length);
  });

  it('counts end users per key, sorts the top ones by requests or spend, honours the limit and says the hours it counted', async () => {
    const owners = await seedOwners(t.db, { projects: 1, keys: 2, deployments: [{ modelGroup: 'eu' }] });
    const [k0, k1] = owners.keys;
    const at = (hhmm: string) => new Date(`2025-08-05T${hhmm}:00.000Z`);
    const row = (
      endUser: string | null,
      key: typeof k0 | null,
      costUsd: number,
      hhmm: string,
      status = 200,
    ) =>
      logEntry({
        createdAt: at(hhmm),
        endUser,
        keyId: key?.id ?? null,
        projectId: key?.projectId ?? null,
        modelGroup: owners.deployments[0]!.modelGroup,
        costUsd,
        totalTokens: 100,
        status,
      });
    const rows = [
      ...Array.from({ length: 5 }, (_, i) => row('alice', k0!, 0.01, `10:${30 + i}`, i === 0 ? 500 : 200)),
      row('alice', k1!, 0.01, '11:10'),
      row('alice', k1!, 0.01, '12:55'),
      ...Array.from({ length: 3 }, (_, i) => row('bob', k0!, 0.1, `11:${20 + i}`)),
      row('carol', null, 0.5, '11:40'), // the master key
      ...Array.from({ length: 10 }, (_, i) => row(null, k0!, 1, `11:${i + 10}`)), // no end user
      row('', k0!, 1, '11:30'), // an empty `user` is no end user
      row('alice', k0!, 1, '09:59'), // before the first hour counted
      row('alice', k0!, 1, '13:00'), // after the last
    ];
    await writeLogs(t, rows);
    const range = {
      from: '2025-08-05T10:20:00.000Z',
      to: '2025-08-05T12:05:00.000Z',
      modelGroup: owners.deployments[0]!.modelGroup,
    };

    const byRequests = await endUsers(t, range);
    // Served at hour resolution: 10:20 → 10:00 and 12:05 → 13:00, and the answer says so.
    expect([byRequests.from, byRequests.to]).toEqual([
      '2025-08-05T10:00:00.000Z',
      '2025-08-05T13:00:00.000Z',
    ]);
    expect(byRequests.sort).toBe('requests');
    expect(byRequests.endUserCount).toBe(3);
    expect(byRequests.requests).toBe(11);
    expect(byRequests.costUsd).toBeCloseTo(0.07 + 0.3 + 0.5, 9);
    expect(
      byRequests.endUsers.map((u) => [u.endUser, u.requests, u.errors, u.totalTokens, u.keyCount]),
    ).toEqual([
      ['alice', 7, 1, 700, 2],
      ['bob', 3, 0, 300, 1],
      ['carol', 1, 0, 100, 0],
    ]);
    const alice = byRequests.endUsers[0]!;
    expect(alice.share).toBeCloseTo(7 / 11, 12);
    expect(alice.costUsd).toBeCloseTo(0.07, 9);
    // Most used key first; a key without an alias is named by its display prefix.
    expect(alice.keys).toEqual([
      { id: k0!.id, label: k0!.alias ?? k0!.prefix },
      { id: k1!.id, label: k1!.alias ?? k1!.prefix },
    ]);
    expect(byRequests.endUsers[2]!.keys).toEqual([]);

    const byCost = await endUsers(t, { ...range, sort: 'cost', limit: '2' });
    expect(byCost.endUsers.map((u) => u.endUser)).toEqual(['carol', 'bob']);
    expect(byCost.endUserCount).toBe(3); // all of them, not only those listed

    const oneKey = await endUsers(t, { ...range, keyId: k1!.id });
    expect(oneKey.endUsers.map((u) => [u.endUser, u.requests, u.keyCount])).toEqual([['alice', 2, 1]]);

    const tooMany = await fetch(
      `${t.url}/api/stats/end-users?${new URLSearchParams({ ...range, limit: '101' })}`,
      {
        headers: t.adminHeaders,
      },
    );
    expect(tooMany.status).toBe(400);
    const badSort = await fetch(
      `${t.url}/api/stats/end-users?${new URLSearchParams({ ...range, sort: 'x' })}`,
      {
        headers: t.adminHeaders,
      },
    );
    expect(badSort.status).toBe(400);
  });

  it('over days, counts whole days from the day rollup and the hours around them from the hour rollup, exactly', async () => {
    const owners = await seedOwners(t.db, { projects: 1, keys: 2, deployments: [{ modelGroup: 'eu-days' }] });
    const [k0, k1] = owners.keys;
    const start = Date.parse('2025-09-01T20:00:00.000Z');
    // Every 37 minutes for four days, two end users on two keys, uneven costs.
    const rows = Array.from({ length: 160 }, (_, i) =>
      logEntry({
        createdAt: new Date(start + i * 37 * MIN),
        endUser: i % 3 === 0 ? 'dora' : 'eve',
        keyId: (i % 2 === 0 ? k0 : k1)!.id,
        projectId: k0!.projectId,
        modelGroup: 'eu-days',
        costUsd: 0.001 * ((i % 5) + 1),
        totalTokens: i,
        status: i % 11 === 0 ? 500 : 200,
      }),
    );
    await writeLogs(t, rows);
    // 21:00 on day 1 to 05:00 on day 4: hours of day 1, two whole days, hours of day 4.
    const range = { from: '2025-09-01T21:00:00.000Z', to: '2025-09-04T05:00:00.000Z', modelGroup: 'eu-days' };
    const inRange = rows.filter(
      (r) => r.createdAt.getTime() >= Date.parse(range.from) && r.createdAt.getTime() < Date.parse(range.to),
    );
    const expected = ['dora', 'eve'].map((name) => {
      const mine = inRange.filter((r) => r.endUser === name);
      return {
        endUser: name,
        requests: mine.length,
        errors: mine.filter((r) => r.status >= 400).length,
        totalTokens: mine.reduce((sum, r) => sum + r.totalTokens, 0),
        costUsd: mine.reduce((sum, r) => sum + r.costUsd, 0),
      };
    });
    const answer = await endUsers(t, { ...range, sort: 'cost' });
    expect([answer.from, answer.to]).toEqual([range.from, range.to]);
    expect(answer.requests).toBe(inRange.length);
    const got = answer.endUsers.map((u) => ({
      endUser: u.endUser,
      requests: u.requests,
      errors: u.errors,
      totalTokens: u.totalTokens,
      costUsd: Number(u.costUsd.toFixed(9)),
    }));
    expect(got.sort((a, b) => a.endUser.localeCompare(b.endUser))).toEqual(
      expected.map((e) => ({ ...e, costUsd: Number(e.costUsd.toFixed(9)) })),
    );
    // The two whole days are read from the day rollup (one row per end user, key and day).
    const dayRows = await t.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM "EndUserRollupDay" WHERE "modelGroup" = 'eu-days'`,
    );
    expect(Number(dayRows.rows[0]!.n)).toBeGreaterThan(0);
  });

  it('keeps a batch whole when end-user names are hostile (very long, NUL, lone surrogate)', async () => {
    const owners = await seedOwners(t.db, { projects: 1, keys: 1, deployments: [{ modelGroup: 'hx' }] });
    const [key] = owners.keys;
    const long = 'é'.repeat(3000); // 6,000 bytes: more than a btree key may hold
    const names = [long, 'nul\u0000byte', 'lone\ud800surrogate', 'dave'];
    const rows = names.map((endUser, i) =>
      logEntry({
        createdAt: new Date(Date.parse('2025-08-20T08:00:00.000Z') + i * MIN),
        endUser,
        keyId: key!.id,
        projectId: key!.projectId,
        modelGroup: owners.deployments[0]!.modelGroup,
      }),
    );
    await writeLogs(t, rows);
    const written = await t.db.query(`SELECT 1 FROM "RequestLog" WHERE "requestId" = ANY($1)`, [
      rows.map((r) => r.requestId),
    ]);
    expect(written.rowCount).toBe(4);
    const list = await endUsers(t, {
      from: '2025-08-20T08:00:00.000Z',
      to: '2025-08-20T09:00:00.000Z',
      keyId: key!.id,
    });
    expect(list.endUsers.map((u) => u.endUser).sort()).toEqual(
      ['é'.repeat(256), 'nulbyte', 'lone\ufffdsurrogate', 'dave'].sort(),
    );
  });
});
