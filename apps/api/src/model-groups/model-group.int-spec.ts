import { modelGroupPageSchema, modelGroupSchema } from '@switchboard/contracts';
import { randomBytes } from 'node:crypto';
import { RouterRegistry } from '../routing/router-registry';
import { adminJson } from '../testing/admin-json';
import { createTestApp, type TestApp } from '../testing/test-app';

describe('model groups API (real PostgreSQL)', () => {
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

  async function createGroup(body: Record<string, unknown> = {}) {
    const res = await call('POST', '/api/model-groups', { name: unique('group'), ...body });
    expect(res.status).toBe(201);
    return modelGroupSchema.parse(res.json);
  }

  async function createDeployment(modelGroup: string, weight: number | null = null) {
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

  it('creates a group, accepting simple-shuffle as an alias, and applies it to the router', async () => {
    const group = await createGroup({
      strategy: 'simple-shuffle',
      numRetries: 4,
      cooldownSeconds: 5,
      timeoutMs: 30000,
    });
    expect(group).toMatchObject({
      strategy: 'weighted-shuffle',
      numRetries: 4,
      allowedFails: 3,
      cooldownSeconds: 5,
      timeoutMs: 30000,
      streamIdleTimeoutMs: null,
      fallbacks: [],
      deploymentCount: 0,
      expectedSplit: [],
    });
    expect(t.app.get(RouterRegistry).getGroup(group.name)?.policy).toMatchObject({
      numRetries: 4,
      cooldownSeconds: 5,
    });
  });

  it('updates the policy live', async () => {
    const group = await createGroup();
    const res = await call('PATCH', `/api/model-groups/${group.name}`, {
      strategy: 'priority',
      allowedFails: 7,
    });
    expect(res.status).toBe(200);
    expect(modelGroupSchema.parse(res.json)).toMatchObject({
      strategy: 'priority',
      allowedFails: 7,
      numRetries: 2,
    });
    expect(t.app.get(RouterRegistry).getGroup(group.name)?.policy).toMatchObject({
      strategy: 'priority',
      allowedFails: 7,
    });

    const invalid = await call('PATCH', `/api/model-groups/${group.name}`, { strategy: 'fastest' });
    expect(invalid.status).toBe(400);
    const rename = await call('PATCH', `/api/model-groups/${group.name}`, { name: 'other' });
    expect(rename.status).toBe(400);
  });

  it('shows the expected split by deployment name', async () => {
    const group = await createGroup();
    const a = await createDeployment(group.name, 1);
    const b = await createDeployment(group.name, 3);
    const res = await call('GET', `/api/model-groups/${group.name}`);
    const body = modelGroupSchema.parse(res.json);
    expect(body.deploymentCount).toBe(2);
    expect(body.expectedSplit).toEqual(
      expect.arrayContaining([
        { deploymentId: a.id, deploymentName: a.name, share: 0.25 },
        { deploymentId: b.id, deploymentName: b.name, share: 0.75 },
      ]),
    );
  });

  it('accepts existing fallbacks and rejects unknown ones and itself, naming them', async () => {
    const backup = await createGroup();
    const group = await createGroup({ fallbacks: [backup.name] });
    expect(group.fallbacks).toEqual([backup.name]);
    expect(t.app.get(RouterRegistry).getGroup(group.name)?.policy.fallbacks).toEqual([backup.name]);

    const unknown = await call('POST', '/api/model-groups', {
      name: unique('g'),
      fallbacks: [backup.name, 'no-such-group'],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json?.error).toMatchObject({
      code: 'validation_failed',
      message: expect.stringContaining("'no-such-group'"),
    });
    expect(unknown.json?.error.details).toEqual([
      { path: 'fallbacks.1', message: expect.stringContaining('no-such-group') },
    ]);

    const self = await call('PATCH', `/api/model-groups/${group.name}`, { fallbacks: [group.name] });
    expect(self.status).toBe(400);
    expect(self.json?.error.message).toContain(group.name);
  });

  it('answers 409 for a duplicate name', async () => {
    const group = await createGroup();
    const res = await call('POST', '/api/model-groups', { name: group.name });
    expect(res.status).toBe(409);
    expect(res.json?.error.code).toBe('conflict');
  });

  it('refuses to delete a group that still has deployments, saying how many', async () => {
    const group = await createGroup();
    await createDeployment(group.name);
    await createDeployment(group.name);
    const res = await call('DELETE', `/api/model-groups/${group.name}`);
    expect(res.status).toBe(409);
    expect(res.json?.error).toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/2 deployments.*(delete|move)/),
    });
  });

  it("refuses to delete a group that is another group's fallback, naming it", async () => {
    const backup = await createGroup();
    const primary = await createGroup({ fallbacks: [backup.name] });
    const res = await call('DELETE', `/api/model-groups/${backup.name}`);
    expect(res.status).toBe(409);
    expect(res.json?.error.message).toContain(primary.name);
  });

  it('deletes an empty group', async () => {
    const group = await createGroup();
    expect((await call('DELETE', `/api/model-groups/${group.name}`)).status).toBe(204);
    expect((await call('GET', `/api/model-groups/${group.name}`)).status).toBe(404);
    expect(t.app.get(RouterRegistry).getGroup(group.name)).toBeUndefined();
  });

  it('serves names with slashes when the client encodes them', async () => {
    const group = await createGroup({ name: `vendor/${unique('model')}:latest` });
    const res = await call('GET', `/api/model-groups/${encodeURIComponent(group.name)}`);
    expect(res.status).toBe(200);
    expect(res.json?.name).toBe(group.name);
  });

  it('answers 404 for unknown names', async () => {
    for (const [method, body] of [['GET'], ['PATCH', { numRetries: 1 }], ['DELETE']] as const) {
      const res = await call(method, '/api/model-groups/no-such-group', body);
      expect([method, res.status, res.json?.error.code]).toEqual([method, 404, 'not_found']);
    }
  });

  it('refuses anonymous requests', async () => {
    expect((await fetch(`${t.url}/api/model-groups`)).status).toBe(401);
  });

  it('walks every group with limit=1', async () => {
    const created = [await createGroup(), await createGroup(), await createGroup()].map((g) => g.name);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await call('GET', `/api/model-groups?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      const page = modelGroupPageSchema.parse(res.json);
      expect(page.data.length).toBeLessThanOrEqual(1);
      seen.push(...page.data.map((g) => g.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...seen].sort());
    expect(seen).toEqual(expect.arrayContaining(created));
    expect(new Set(seen).size).toBe(seen.length);
  });
});
