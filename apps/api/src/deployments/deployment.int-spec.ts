import {
  deploymentPageSchema,
  deploymentSchema,
  deploymentTestResultSchema,
  modelGroupSchema,
} from '@switchboard/contracts';
import { randomBytes } from 'node:crypto';
import { type FakeUpstream, startFakeUpstream } from '../../../fake-upstream/src/fake-upstream';
import { CLOCK, type Clock } from '../common/clock';
import { SecretBox } from '../common/crypto';
import { Router } from '../routing/router';
import { RouterRegistry } from '../routing/router-registry';
import { adminJson } from '../testing/admin-json';
import { createTestApp, type TestApp } from '../testing/test-app';

const UPSTREAM_KEY = 'sk-upstream-secret-0123456789abcdef';

describe('deployments API (real PostgreSQL)', () => {
  let t: TestApp;
  let upstream: FakeUpstream;

  beforeAll(async () => {
    [t, upstream] = await Promise.all([createTestApp(), startFakeUpstream({ requireApiKey: UPSTREAM_KEY })]);
  });
  afterAll(async () => {
    await Promise.all([t?.close(), upstream?.close()]);
  });

  // Random, plus a counter: two random tags in one database could collide (about n² / 2^33).
  let uniques = 0;
  const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}${(uniques++).toString(36)}`;

  const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    adminJson(t, method, path, body, headers);

  /** A valid openai-compatible deployment pointing at the fake upstream. */
  function deploymentBody(overrides: Record<string, unknown> = {}) {
    return {
      name: unique('dep'),
      modelGroup: unique('group'),
      provider: 'openai-compatible',
      model: 'gpt-4.1',
      apiBase: upstream.url,
      apiKey: UPSTREAM_KEY,
      ...overrides,
    };
  }

  async function createDeployment(overrides: Record<string, unknown> = {}) {
    const res = await call('POST', '/api/deployments', deploymentBody(overrides));
    expect(res.status).toBe(201);
    return deploymentSchema.parse(res.json);
  }

  it('creates a deployment, auto-creating its model group, and routes to it at once', async () => {
    const group = unique('gpt');
    const res = await call(
      'POST',
      '/api/deployments',
      deploymentBody({ modelGroup: group, weight: 2, tags: ['eu'] }),
    );
    expect(res.status).toBe(201);
    const created = deploymentSchema.parse(res.json);
    expect(created).toMatchObject({
      modelGroup: group,
      provider: 'openai-compatible',
      weight: 2,
      tags: ['eu'],
      enabled: true,
    });
    expect(created.state).toMatchObject({ status: 'healthy', inFlight: 0, rpmUsed: 0, cooldownUntil: null });

    const groupRes = await call('GET', `/api/model-groups/${group}`);
    expect(groupRes.status).toBe(200);
    expect(modelGroupSchema.parse(groupRes.json)).toMatchObject({
      name: group,
      strategy: 'weighted-shuffle',
      numRetries: 2,
      fallbacks: [],
      deploymentCount: 1,
      expectedSplit: [{ deploymentId: created.id, deploymentName: created.name, share: 1 }],
    });

    expect(
      t.app
        .get(RouterRegistry)
        .getGroup(group)
        ?.deployments.map((d) => d.id),
    ).toEqual([created.id]);
    const picked = t.app.get(Router).pick(group, { estimatedTokens: 1 });
    expect(picked).toMatchObject({ id: created.id, apiKey: UPSTREAM_KEY, apiBase: upstream.url });
  });

  it('never answers with the api key or its ciphertext, and stores only ciphertext', async () => {
    const created = await createDeployment();
    expect(created.apiKeyHint).toBe('sk-…cdef');

    const { rows } = await t.db.query<{ apiKeyEncrypted: string; apiKeyHint: string }>(
      'SELECT "apiKeyEncrypted", "apiKeyHint" FROM "Deployment" WHERE id = $1',
      [created.id],
    );
    const stored = rows[0].apiKeyEncrypted;
    expect(stored).not.toContain(UPSTREAM_KEY);
    expect(new SecretBox(t.config.encryptionKey).decrypt(stored)).toBe(UPSTREAM_KEY);

    for (const res of [
      await call('GET', `/api/deployments/${created.id}`),
      await call('GET', `/api/deployments?modelGroup=${created.modelGroup}`),
      await call('PATCH', `/api/deployments/${created.id}`, { priority: 1 }),
    ]) {
      expect(res.status).toBe(200);
      expect(res.text).not.toContain(UPSTREAM_KEY);
      expect(res.text).not.toContain(stored);
      expect(res.text).not.toMatch(/"apiKey"|apiKeyEncrypted/);
    }
  });

  it('keeps the key when PATCH omits it and clears it with apiKey: null', async () => {
    const created = await createDeployment();
    const kept = await call('PATCH', `/api/deployments/${created.id}`, { model: 'gpt-4.1-mini' });
    expect(kept.json).toMatchObject({ model: 'gpt-4.1-mini', apiKeyHint: 'sk-…cdef' });

    const cleared = await call('PATCH', `/api/deployments/${created.id}`, { apiKey: null });
    expect(cleared.status).toBe(200);
    expect(cleared.json?.apiKeyHint).toBeNull();
    const { rows } = await t.db.query('SELECT "apiKeyEncrypted" FROM "Deployment" WHERE id = $1', [
      created.id,
    ]);
    expect(rows[0].apiKeyEncrypted).toBeNull();
    expect(t.app.get(RouterRegistry).getDeployment(created.id)?.apiKey).toBeNull();
  });

  it('changes the expected split live when a weight is patched', async () => {
    const group = unique('split');
    const a = await createDeployment({ modelGroup: group, weight: 1 });
    const b = await createDeployment({ modelGroup: group, weight: 1 });
    const shares = async () => {
      const res = await call('GET', `/api/model-groups/${group}`);
      return Object.fromEntries(
        modelGroupSchema.parse(res.json).expectedSplit.map((s) => [s.deploymentName, s.share]),
      );
    };
    expect(await shares()).toEqual({ [a.name]: 0.5, [b.name]: 0.5 });

    const patched = await call('PATCH', `/api/deployments/${a.id}`, { weight: 3 });
    expect(patched.json?.weight).toBe(3);
    expect(await shares()).toEqual({ [a.name]: 0.75, [b.name]: 0.25 });
  });

  it('shows a disabled deployment as disabled and stops routing to it', async () => {
    const created = await createDeployment();
    const res = await call('PATCH', `/api/deployments/${created.id}`, { enabled: false });
    expect(res.status).toBe(200);
    expect(deploymentSchema.parse(res.json).state.status).toBe('disabled');
    expect(t.app.get(Router).pick(created.modelGroup, { estimatedTokens: 1 })).toBeNull();
  });

  it('shows live traffic and a cooldown with its reason', async () => {
    const created = await createDeployment();
    const router = t.app.get(Router);
    // rpm and tpm count calendar minutes: the request and the read must not straddle a minute's end.
    const clock = jest
      .spyOn(t.app.get<Clock>(CLOCK), 'now')
      .mockReturnValue(Math.floor(Date.now() / 60_000) * 60_000 + 30_000);
    await router.execute(created.modelGroup, { estimatedTokens: 1 }, async () => ({
      ok: true,
      value: null,
      latencyMs: 42,
      tokens: 10,
    }));
    const busy = deploymentSchema.parse((await call('GET', `/api/deployments/${created.id}`)).json);
    expect(busy.state).toMatchObject({ status: 'healthy', rpmUsed: 1, tpmUsed: 10, latencyMs: 42 });
    clock.mockRestore();

    await router.execute(created.modelGroup, { estimatedTokens: 1 }, async () => ({
      ok: false,
      committed: false,
      error: {
        kind: 'auth',
        status: 401,
        retryable: false,
        cooldown: true,
        retryAfterMs: null,
        message: 'bad key',
      },
    }));
    const cooling = deploymentSchema.parse((await call('GET', `/api/deployments/${created.id}`)).json);
    expect(cooling.state).toMatchObject({ status: 'cooling_down', cooldownReason: 'auth' });
    expect(Date.parse(cooling.state.cooldownUntil ?? '')).toBeGreaterThan(Date.now());
  });

  /** Benches the deployment as a rejected key would. */
  async function benchIt(created: { id: string; modelGroup: string }) {
    await t.app.get(Router).execute(created.modelGroup, { estimatedTokens: 1 }, async () => ({
      ok: false,
      committed: false,
      error: {
        kind: 'auth',
        status: 401,
        retryable: false,
        cooldown: true,
        retryAfterMs: null,
        message: 'bad key',
      },
    }));
    const cooling = deploymentSchema.parse((await call('GET', `/api/deployments/${created.id}`)).json);
    expect(cooling.state.status).toBe('cooling_down');
  }

  it('puts a benched deployment back into rotation on PATCH and with the reset action (audited)', async () => {
    const created = await createDeployment();
    await benchIt(created);
    const patched = await call('PATCH', `/api/deployments/${created.id}`, { weight: 3 });
    expect(deploymentSchema.parse(patched.json).state.status).toBe('healthy');

    await benchIt(created);
    const reset = await call('POST', `/api/deployments/${created.id}/reset`);
    expect(reset.status).toBe(200);
    expect(deploymentSchema.parse(reset.json).state).toMatchObject({
      status: 'healthy',
      cooldownUntil: null,
    });
    const audit = await t.db.query(`SELECT action FROM "AuditEvent" WHERE "targetId" = $1 ORDER BY id`, [
      created.id,
    ]);
    expect(audit.rows.map((r: { action: string }) => r.action)).toContain('deployment.reset');
    expect((await call('POST', `/api/deployments/00000000-0000-4000-8000-000000000000/reset`)).status).toBe(
      404,
    );
  });

  it('stores what a deployment serves, shows the provider defaults when it declares none, and routes by it', async () => {
    const defaults = await createDeployment();
    expect(defaults.capabilities).toEqual([]);
    expect(defaults.effectiveCapabilities).toEqual(expect.arrayContaining(['chat', 'embeddings']));
    const chatOnly = await createDeployment({ capabilities: ['chat'] });
    expect(chatOnly).toMatchObject({ capabilities: ['chat'], effectiveCapabilities: ['chat'] });
    const routed = t.app.get(RouterRegistry).getDeployment(chatOnly.id);
    expect(routed?.capabilities).toEqual(['chat']);

    const bad = await call('POST', '/api/deployments', deploymentBody({ capabilities: ['teleport'] }));
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { code: 'validation_failed' } });
    const twice = await call('PATCH', `/api/deployments/${chatOnly.id}`, { capabilities: ['chat', 'chat'] });
    expect(twice.status).toBe(400);
    const widened = await call('PATCH', `/api/deployments/${chatOnly.id}`, {
      capabilities: ['chat', 'embeddings'],
    });
    expect(deploymentSchema.parse(widened.json).effectiveCapabilities).toEqual(['chat', 'embeddings']);
  });

  it("keeps a model group's longest cooldown (default 300 s) and lets it change", async () => {
    const created = await createDeployment();
    const group = modelGroupSchema.parse((await call('GET', `/api/model-groups/${created.modelGroup}`)).json);
    expect(group.maxCooldownSeconds).toBe(300);
    const changed = await call('PATCH', `/api/model-groups/${created.modelGroup}`, {
      maxCooldownSeconds: 30,
    });
    expect(modelGroupSchema.parse(changed.json).maxCooldownSeconds).toBe(30);
    expect(t.app.get(RouterRegistry).getGroup(created.modelGroup)?.policy.maxCooldownSeconds).toBe(30);
    expect(
      (await call('PATCH', `/api/model-groups/${created.modelGroup}`, { maxCooldownSeconds: 0 })).status,
    ).toBe(400);
  });

  it('moves a deployment to another (new) model group', async () => {
    const created = await createDeployment();
    const target = unique('moved');
    const res = await call('PATCH', `/api/deployments/${created.id}`, { modelGroup: target });
    expect(res.status).toBe(200);
    expect(res.json?.modelGroup).toBe(target);
    expect((await call('GET', `/api/model-groups/${target}`)).json?.deploymentCount).toBe(1);
    expect((await call('GET', `/api/model-groups/${created.modelGroup}`)).json?.deploymentCount).toBe(0);
    expect(
      t.app
        .get(RouterRegistry)
        .getGroup(target)
        ?.deployments.map((d) => d.id),
    ).toEqual([created.id]);
  });

  it.each([
    ['missing apiBase for openai-compatible', { apiBase: undefined }, 'apiBase'],
    ['a negative weight', { weight: -1 }, 'weight'],
    ['an unknown provider', { provider: 'bedrock' }, 'provider'],
    ['an unknown field', { apiKeyEncrypted: 'x' }, ''],
  ])('rejects %s with 400 and details', async (_label, overrides, path) => {
    const res = await call('POST', '/api/deployments', deploymentBody(overrides));
    expect(res.status).toBe(400);
    expect(res.json?.error.code).toBe('validation_failed');
    expect(res.json?.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
  });

  it('rejects a PATCH that would leave an openai-compatible deployment without apiBase', async () => {
    const created = await createDeployment();
    const res = await call('PATCH', `/api/deployments/${created.id}`, { apiBase: null });
    expect(res.status).toBe(400);
    expect(res.json?.error.details).toEqual([expect.objectContaining({ path: 'apiBase' })]);
    const openai = await createDeployment({ provider: 'openai', apiBase: null });
    const switched = await call('PATCH', `/api/deployments/${openai.id}`, { provider: 'azure' });
    expect(switched.status).toBe(400);
  });

  it('answers 404 for unknown and malformed ids', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const [method, path, body] of [
      ['GET', `/api/deployments/${unknown}`],
      ['PATCH', `/api/deployments/${unknown}`, { weight: 1 }],
      ['DELETE', `/api/deployments/${unknown}`],
      ['POST', `/api/deployments/${unknown}/test`],
      ['GET', '/api/deployments/not-a-uuid'],
      ['PATCH', '/api/deployments/not-a-uuid', { weight: 1 }],
      ['DELETE', '/api/deployments/not-a-uuid'],
      ['POST', '/api/deployments/not-a-uuid/test'],
    ] as const) {
      const res = await call(method, path, body);
      expect([method, path, res.status, res.json?.error.code]).toEqual([method, path, 404, 'not_found']);
    }
  });

  it('answers 409 for a duplicate name, on create and on rename', async () => {
    const first = await createDeployment();
    const dup = await call('POST', '/api/deployments', deploymentBody({ name: first.name }));
    expect(dup.status).toBe(409);
    expect(dup.json?.error).toMatchObject({ code: 'conflict', message: expect.stringContaining(first.name) });

    const second = await createDeployment();
    const rename = await call('PATCH', `/api/deployments/${second.id}`, { name: first.name });
    expect(rename.status).toBe(409);
  });

  it('deletes a deployment and takes it out of the router', async () => {
    const created = await createDeployment();
    const res = await call('DELETE', `/api/deployments/${created.id}`);
    expect(res.status).toBe(204);
    expect((await call('GET', `/api/deployments/${created.id}`)).status).toBe(404);
    expect(t.app.get(RouterRegistry).getDeployment(created.id)).toBeUndefined();
  });

  it('refuses anonymous requests', async () => {
    const res = await fetch(`${t.url}/api/deployments`);
    expect(res.status).toBe(401);
    const wrong = await call('POST', '/api/deployments', deploymentBody(), {
      authorization: 'Bearer not-the-master-key',
      'content-type': 'application/json',
    });
    expect(wrong.status).toBe(401);
  });

  it('filters by model group and walks every page with limit=1', async () => {
    const group = unique('paged');
    const created = [
      await createDeployment({ modelGroup: group }),
      await createDeployment({ modelGroup: group }),
    ];
    await createDeployment(); // another group, must not appear
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const qs: string = `modelGroup=${group}&limit=1${cursor ? `&cursor=${cursor}` : ''}`;
      const page = deploymentPageSchema.parse((await call('GET', `/api/deployments?${qs}`)).json);
      expect(page.data.length).toBeLessThanOrEqual(1);
      seen.push(...page.data.map((d) => d.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(created.map((d) => d.id).sort());

    const bad = await call('GET', '/api/deployments?cursor=%%%');
    expect(bad.status).toBe(400);
  });

  it('tests the connection against the upstream', async () => {
    const created = await createDeployment();
    const res = await call('POST', `/api/deployments/${created.id}/test`);
    expect(res.status).toBe(200);
    expect(deploymentTestResultSchema.parse(res.json)).toMatchObject({ ok: true, status: 200 });
    expect(upstream.requests().some((r) => r.path === '/v1/models' && r.apiKey === UPSTREAM_KEY)).toBe(true);
  });

  it('reports a rejected key without revealing it', async () => {
    const wrongKey = 'sk-wrong-key-abcdefghijklmnop';
    const created = await createDeployment({ apiKey: wrongKey });
    const res = await call('POST', `/api/deployments/${created.id}/test`);
    expect(res.status).toBe(200);
    const result = deploymentTestResultSchema.parse(res.json);
    expect(result).toMatchObject({ ok: false, status: 401 });
    expect(result.message).toMatch(/API key/i);
    expect(res.text).not.toContain(wrongKey);
    expect(res.text).not.toContain(wrongKey.slice(-4));
  });

  it("makes a test's result the deployment's state: a rejected key benches it, a success lifts that", async () => {
    const wrongKey = 'sk-wrong-key-for-the-state-0123456789';
    const created = await createDeployment({ apiKey: wrongKey });
    const state = async () =>
      deploymentSchema.parse((await call('GET', `/api/deployments/${created.id}`)).json).state;
    expect(await state()).toMatchObject({ status: 'healthy', lastError: null, lastErrorAt: null });

    expect((await call('POST', `/api/deployments/${created.id}/test`)).json).toMatchObject({ ok: false });
    const failed = await state();
    expect(failed).toMatchObject({ status: 'cooling_down', cooldownReason: 'auth' });
    expect(failed.lastError).toMatch(/^401 auth/);
    expect(failed.lastErrorAt).not.toBeNull();

    // The upstream now accepts that key (the operator fixed it there): the next test puts it back.
    upstream.configure({ requireApiKey: [UPSTREAM_KEY, wrongKey] });
    try {
      expect((await call('POST', `/api/deployments/${created.id}/test`)).json).toMatchObject({ ok: true });
    } finally {
      upstream.configure({ requireApiKey: UPSTREAM_KEY });
    }
    const fixed = await state();
    expect(fixed).toMatchObject({ status: 'healthy', cooldownUntil: null });
    expect(fixed.lastSuccessAt).not.toBeNull();
  });

  it('reports an unreachable upstream as a failed test, not an error', async () => {
    const created = await createDeployment({ apiBase: 'http://127.0.0.1:9/v1' });
    const res = await call('POST', `/api/deployments/${created.id}/test`);
    expect(res.status).toBe(200);
    expect(deploymentTestResultSchema.parse(res.json)).toMatchObject({ ok: false, status: null });
    // Its last error, but not benched: unreachable may be the network between us, not the deployment.
    const state = deploymentSchema.parse((await call('GET', `/api/deployments/${created.id}`)).json).state;
    expect(state).toMatchObject({ status: 'healthy' });
    expect(state.lastError).toMatch(/connect|reach/i);
  });
});
