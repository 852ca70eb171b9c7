import { modelGroupSchema } from '@switchboard/contracts';
import { randomBytes } from 'node:crypto';
import { UnitOfWork } from '../database/unit-of-work';
import { LiveConfigService } from '../routing/live-config.service';
import { RouterRegistry } from '../routing/router-registry';
import { adminJson } from '../testing/admin-json';
import { createTestApp, type TestApp } from '../testing/test-app';

describe("saving a model group's routing in one request (real PostgreSQL)", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  // Random, plus a counter: two random tags in one database could collide (about n² / 2^33).
  let uniques = 0;
  const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}${(uniques++).toString(36)}`;
  const call = (method: string, path: string, body?: unknown) => adminJson(t, method, path, body);

  async function group(body: Record<string, unknown> = {}): Promise<string> {
    const res = await call('POST', '/api/model-groups', { name: unique('group'), ...body });
    expect(res.status).toBe(201);
    return modelGroupSchema.parse(res.json).name;
  }

  async function deployment(modelGroup: string, weight: number): Promise<{ id: string; name: string }> {
    const res = await call('POST', '/api/deployments', {
      name: unique('dep'),
      modelGroup,
      provider: 'openai',
      model: 'gpt-4.1',
      weight,
    });
    expect(res.status).toBe(201);
    return res.json as { id: string; name: string };
  }

  const routingOf = async (name: string) => {
    const res = await call('GET', `/api/model-groups/${encodeURIComponent(name)}`);
    return modelGroupSchema.parse(res.json);
  };
  const weightOf = async (id: string) =>
    ((await call('GET', `/api/deployments/${id}`)).json as { weight: number | null; priority: number })
      .weight;
  const auditCount = async (): Promise<number> =>
    Number((await t.db.query<{ n: string }>(`SELECT count(*) AS n FROM "AuditEvent"`)).rows[0].n);

  it('applies the policy and every weight together, audits each change and answers the new split', async () => {
    const name = await group();
    const a = await deployment(name, 1);
    const b = await deployment(name, 1);
    const audits = await auditCount();

    const res = await call('PUT', `/api/model-groups/${encodeURIComponent(name)}/routing`, {
      policy: { numRetries: 5, strategy: 'priority' },
      deployments: [
        { id: a.id, weight: 3, priority: 0 },
        { id: b.id, priority: 1 },
      ],
    });

    expect(res.status).toBe(200);
    const saved = modelGroupSchema.parse(res.json);
    expect(saved).toMatchObject({ numRetries: 5, strategy: 'priority' });
    // The answer is read after the router reloaded: priority 0 takes everything.
    expect(Object.fromEntries(saved.expectedSplit.map((s) => [s.deploymentName, s.share]))).toEqual({
      [a.name]: 1,
      [b.name]: 0,
    });
    expect(t.app.get(RouterRegistry).getGroup(name)?.policy.numRetries).toBe(5);
    expect(await weightOf(a.id)).toBe(3);
    expect(await auditCount()).toBe(audits + 3);
  });

  it('changes nothing when one of the changes is refused', async () => {
    const name = await group({ numRetries: 2 });
    const other = await group();
    const a = await deployment(name, 1);
    const stranger = await deployment(other, 1);
    const audits = await auditCount();

    const res = await call('PUT', `/api/model-groups/${encodeURIComponent(name)}/routing`, {
      policy: { numRetries: 7 },
      deployments: [
        { id: a.id, weight: 9 },
        { id: stranger.id, weight: 4 },
      ],
    });

    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({
      error: {
        code: 'validation_failed',
        details: [{ path: 'deployments.1.id', message: expect.stringContaining(`model group '${other}'`) }],
      },
    });
    expect((await routingOf(name)).numRetries).toBe(2);
    expect(await weightOf(a.id)).toBe(1);
    expect(await weightOf(stranger.id)).toBe(1);
    expect(await auditCount()).toBe(audits);
    expect(t.app.get(RouterRegistry).getGroup(name)?.policy.numRetries).toBe(2);
  });

  it('refuses junk with a 400 and an unknown group with a 404', async () => {
    const name = await group();
    const path = `/api/model-groups/${encodeURIComponent(name)}/routing`;
    for (const body of [
      { deployments: [{ id: 'x', weight: -1 }] },
      { deployments: [{ id: 'x' }, { id: 'x' }] },
      { policy: { strategy: 'fastest' } },
      { extra: true },
      [],
    ]) {
      const res = await call('PUT', path, body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
    }
    const unknownDeployment = await call('PUT', path, {
      deployments: [{ id: '00000000-0000-4000-8000-000000000000', weight: 1 }],
    });
    expect(unknownDeployment.status).toBe(400);
    expect((await call('PUT', '/api/model-groups/no-such-group/routing', {})).status).toBe(404);
  });

  it('reloads the router once, after the commit, however many deployments change', async () => {
    const name = await group();
    const deps = [await deployment(name, 1), await deployment(name, 1), await deployment(name, 1)];
    const reload = (t.app.get(LiveConfigService) as unknown as { live: { changed(): Promise<void> } }).live;
    const visibleAtReload: (number | null)[] = [];
    const reloadNow = reload.changed.bind(reload);
    const spy = jest.spyOn(reload, 'changed').mockImplementation(async () => {
      // What another connection sees when the reload starts: the commit must come first.
      const row = await t.db.query<{ weight: number | null }>(
        `SELECT weight FROM "Deployment" WHERE id = $1`,
        [deps[2].id],
      );
      visibleAtReload.push(row.rows[0].weight);
      return reloadNow();
    });
    try {
      const res = await call('PUT', `/api/model-groups/${encodeURIComponent(name)}/routing`, {
        deployments: deps.map((d, i) => ({ id: d.id, weight: i + 2 })),
      });
      expect(res.status).toBe(200);
    } finally {
      spy.mockRestore();
    }
    expect(visibleAtReload).toEqual([4]);
    expect(t.app.get(UnitOfWork).afterCommit('outside', async () => undefined)).toBe(false);
    const shares = Object.fromEntries(
      (await routingOf(name)).expectedSplit.map((s) => [s.deploymentId, s.share]),
    );
    expect(shares).toEqual({ [deps[0].id]: 2 / 9, [deps[1].id]: 3 / 9, [deps[2].id]: 4 / 9 });
  });
});
