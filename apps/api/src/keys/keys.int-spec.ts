import { createHash } from 'node:crypto';
import { OpenAIError } from '../common/errors';
import { type Admission, GATEWAY_AUTH, type GatewayAuth, type Principal } from '../gateway/gateway-auth';
import type { Clock } from '../common/clock';
import { createTestApp, type TestApp } from '../testing/test-app';
import { KEY_CLOCK } from './key-clock';
import { adminCall, createKey, createProject } from './testing/admin-client';
import { VirtualKeyGatewayAuth } from './virtual-key.gateway-auth';

function thrown(fn: () => unknown): OpenAIError {
  try {
    fn();
  } catch (err) {
    if (err instanceof OpenAIError) return err;
    throw err;
  }
  throw new Error('expected an OpenAIError');
}

async function eventually(check: () => void, withinMs = 1000): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

describe('virtual keys (real PostgreSQL)', () => {
  let t: TestApp;
  let auth: GatewayAuth;
  let clock: Clock;

  beforeAll(async () => {
    t = await createTestApp();
    auth = t.app.get<GatewayAuth>(GATEWAY_AUTH);
    clock = t.app.get<Clock>(KEY_CLOCK);
  });
  afterAll(async () => {
    await t?.close();
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('shows the plaintext key once and stores only its SHA-256 and display prefix', async () => {
    const project = await createProject(t);
    const created = await adminCall(t, 'POST', '/api/keys', {
      projectId: project.id,
      alias: 'support-bot',
      models: ['gpt-4.1-mini'],
      rpmLimit: 60,
      maxBudgetUsd: 25,
      budgetPeriod: 'monthly',
      metadata: { team: 'support' },
    });
    expect(created.status).toBe(201);
    const key: string = created.body.key;
    expect(key).toMatch(/^sk-sb-[0-9A-Za-z]{43}$/);
    expect(created.body).toMatchObject({
      projectId: project.id,
      projectName: project.name,
      alias: 'support-bot',
      prefix: `sk-sb-${key.slice(6, 10)}…${key.slice(-4)}`,
      models: ['gpt-4.1-mini'],
      rpmLimit: 60,
      budgetPeriod: 'monthly',
      periodSpendUsd: 0,
      metadata: { team: 'support' },
      revokedAt: null,
    });
    const now = new Date();
    expect(created.body.budgetResetAt).toBe(
      new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString(),
    );

    const got = await adminCall(t, 'GET', `/api/keys/${created.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).not.toHaveProperty('key');
    expect(got.body.prefix).toBe(created.body.prefix);
    const listed = await adminCall(t, 'GET', `/api/keys?projectId=${project.id}`);
    expect(listed.body.data.map((k: { id: string }) => k.id)).toEqual([created.body.id]);
    expect(JSON.stringify(listed.body)).not.toContain(key.slice(6));

    const { rows } = await t.db.query(`SELECT * FROM "VirtualKey" WHERE id = $1`, [created.body.id]);
    expect(rows[0].keyHash).toBe(createHash('sha256').update(key).digest('hex'));
    expect(JSON.stringify(rows[0])).not.toContain(key.slice(6));

    // Live for the data plane as soon as the POST has answered.
    expect(auth.authenticate(key)).toMatchObject({
      kind: 'virtual',
      keyId: created.body.id,
      alias: 'support-bot',
    });
  });

  it('updates, lists and filters keys, and explains a bad project id', async () => {
    const project = await createProject(t);
    const a = await createKey(t, { projectId: project.id, alias: 'a' });
    const b = await createKey(t, { projectId: project.id, alias: 'b' });
    const patched = await adminCall(t, 'PATCH', `/api/keys/${a.id}`, {
      alias: 'a2',
      models: ['gpt-4o'],
      tpmLimit: 1000,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ alias: 'a2', models: ['gpt-4o'], tpmLimit: 1000 });

    const page1 = await adminCall(t, 'GET', `/api/keys?projectId=${project.id}&limit=1`);
    expect(page1.body.data).toHaveLength(1);
    expect(page1.body.data[0].id).toBe(b.id); // newest first
    const page2 = await adminCall(
      t,
      'GET',
      `/api/keys?projectId=${project.id}&limit=1&cursor=${page1.body.nextCursor}`,
    );
    expect(page2.body.data[0].id).toBe(a.id);
    expect(page2.body.nextCursor).toBeNull();

    const missingProject = await adminCall(t, 'POST', '/api/keys', {
      projectId: '6f1c5a52-95a4-4d3e-9d6c-3a4b1e3f0c11',
    });
    expect(missingProject.status).toBe(400);
    expect(missingProject.body.error.message).toMatch(/projectId: there is no project with id 6f1c5a52/);
    expect((await adminCall(t, 'GET', '/api/keys/not-a-uuid')).status).toBe(404);
    expect((await adminCall(t, 'GET', '/api/keys/6f1c5a52-95a4-4d3e-9d6c-3a4b1e3f0c11')).status).toBe(404);
    const past = await adminCall(t, 'PATCH', `/api/keys/${a.id}`, { expiresAt: '2020-01-01T00:00:00Z' });
    expect(past.status).toBe(400);
  });

  it('refuses a revoked key with the date it was revoked, and hides it from lists by default', async () => {
    const created = await createKey(t);
    const revoked = await adminCall(t, 'POST', `/api/keys/${created.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    const err = thrown(() => auth.authenticate(created.key));
    expect([err.status, err.code]).toEqual([401, 'invalid_api_key']);
    const date = (revoked.body.revokedAt as string).slice(0, 16).replace('T', ' ');
    expect(err.message).toBe(`This API key was revoked on ${date} UTC.`);

    const active = await adminCall(t, 'GET', `/api/keys?projectId=${created.projectId}`);
    expect(active.body.data).toEqual([]);
    const all = await adminCall(t, 'GET', `/api/keys?projectId=${created.projectId}&includeRevoked=true`);
    expect(all.body.data).toHaveLength(1);
    expect((await adminCall(t, 'PATCH', `/api/keys/${created.id}`, { alias: 'x' })).status).toBe(409);
    expect((await adminCall(t, 'POST', `/api/keys/${created.id}/rotate`, {})).status).toBe(409);
  });

  it('refuses an expired key', async () => {
    const expiresAt = new Date(Date.now() + 60_000).toISOString();
    const created = await createKey(t, { expiresAt });
    expect(auth.authenticate(created.key).kind).toBe('virtual');
    jest.spyOn(clock, 'now').mockReturnValue(Date.now() + 120_000);
    expect(thrown(() => auth.authenticate(created.key)).message).toBe(
      `This API key expired on ${expiresAt.slice(0, 16).replace('T', ' ')} UTC.`,
    );
  });

  it('rotates a key: old and new secrets both work during the grace period, then only the new one', async () => {
    const created = await createKey(t, { alias: 'rotating' });
    const rotated = await adminCall(t, 'POST', `/api/keys/${created.id}/rotate`, { gracePeriodSeconds: 60 });
    expect(rotated.status).toBe(200);
    expect(rotated.body.key).toMatch(/^sk-sb-/);
    expect(rotated.body.key).not.toBe(created.key);
    expect(rotated.body.prefix).not.toBe(created.prefix);
    expect(auth.authenticate(created.key)).toMatchObject({ keyId: created.id });
    expect(auth.authenticate(rotated.body.key)).toMatchObject({ keyId: created.id });

    jest.spyOn(clock, 'now').mockReturnValue(Date.now() + 61_000);
    expect(thrown(() => auth.authenticate(created.key)).status).toBe(401);
    expect(auth.authenticate(rotated.body.key)).toMatchObject({ keyId: created.id });

    // Without grace the old secret stops at once.
    jest.restoreAllMocks();
    const again = await adminCall(t, 'POST', `/api/keys/${created.id}/rotate`, { gracePeriodSeconds: 0 });
    expect(thrown(() => auth.authenticate(rotated.body.key)).status).toBe(401);
    expect(auth.authenticate(again.body.key).kind).toBe('virtual');
  });

  it('admits per model and limits: 403 names model and alias, the 6th request at rpm 5 gets 429', async () => {
    const created = await createKey(t, {
      alias: 'dify-support',
      models: ['gpt-4.1-mini'],
      rpmLimit: 5,
      maxParallel: 10,
    });
    const principal: Principal = auth.authenticate(created.key);
    const denied = thrown(() => auth.admit(principal, 'gpt-4.1', 10));
    expect([denied.status, denied.type, denied.code]).toEqual([403, 'permission_error', 'model_not_allowed']);
    expect(denied.message).toBe(
      "model 'gpt-4.1' is not allowed for key 'dify-support'. Allowed: gpt-4.1-mini.",
    );

    // Pin the clock to the start of a minute so the 6th request cannot land in the next one.
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    jest.spyOn(clock, 'now').mockReturnValue(minute + 1_000);
    for (let i = 0; i < 5; i++)
      (auth.admit(principal, 'gpt-4.1-mini', 10) as Admission).release({ totalTokens: 20, costUsd: 0.001 });
    const limited = thrown(() => auth.admit(principal, 'gpt-4.1-mini', 10));
    expect([limited.status, limited.type, limited.code]).toEqual([
      429,
      'rate_limit_error',
      'rate_limit_exceeded',
    ]);
    expect(limited.headers['retry-after']).toBe('59');

    const shown = await adminCall(t, 'GET', `/api/keys/${created.id}`);
    expect(shown.body.lastUsedAt).toBe(new Date(minute + 1_000).toISOString());
  });

  it('limits parallel requests per key', async () => {
    const created = await createKey(t, { maxParallel: 1 });
    const principal = auth.authenticate(created.key);
    const first = auth.admit(principal, 'any', 1) as Admission;
    expect(thrown(() => auth.admit(principal, 'any', 1)).message).toMatch(/maxParallel/);
    first.release({ totalTokens: 1, costUsd: 0 });
    (auth.admit(principal, 'any', 1) as Admission).release({ totalTokens: 1, costUsd: 0 });
  });

  it('refuses with insufficient_quota once the budget is spent, seen from the database after a reload', async () => {
    const created = await createKey(t, { alias: 'budgeted', maxBudgetUsd: 1, budgetPeriod: 'daily' });
    const principal = auth.authenticate(created.key);
    (auth.admit(principal, 'any', 1) as Admission).release({ totalTokens: 1, costUsd: 0.25 });
    // What the request-log writer does on flush:
    await t.db.query(
      `UPDATE "VirtualKey" SET "periodSpendUsd" = "periodSpendUsd" + 0.8, "spendUsd" = "spendUsd" + 0.8 WHERE id = $1`,
      [created.id],
    );
    await t.app.get(VirtualKeyGatewayAuth).reload();
    const err = thrown(() => auth.admit(principal, 'any', 1));
    expect([err.status, err.type, err.code]).toEqual([429, 'insufficient_quota', 'insufficient_quota']);
    expect(err.message).toBe(
      `Budget of $1.00 per day used up for key 'budgeted'; resets at ${(created.budgetResetAt as string).slice(0, 16).replace('T', ' ')} UTC.`,
    );
  });

  it('starts a new budget period when its reset time has come', async () => {
    const created = await createKey(t, { maxBudgetUsd: 1, budgetPeriod: 'daily' });
    await t.db.query(
      `UPDATE "VirtualKey" SET "periodSpendUsd" = 3, "spendUsd" = 3, "budgetResetAt" = now() - interval '1 minute' WHERE id = $1`,
      [created.id],
    );
    const gatewayAuth = t.app.get(VirtualKeyGatewayAuth);
    await gatewayAuth.reload();
    const principal = auth.authenticate(created.key);
    (auth.admit(principal, 'any', 1) as Admission).release({ totalTokens: 1, costUsd: 0 }); // past the reset: a new period

    expect(await gatewayAuth.resetDueBudgets()).toBeGreaterThanOrEqual(1);
    const { rows } = await t.db.query(
      `SELECT "periodSpendUsd", "spendUsd", "budgetResetAt" FROM "VirtualKey" WHERE id = $1`,
      [created.id],
    );
    const now = new Date();
    expect(rows[0]).toEqual({
      periodSpendUsd: 0,
      spendUsd: 3,
      budgetResetAt: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)),
    });
    expect(gatewayAuth.registry.periodSpendUsd(created.id)).toBe(0);
  });

  it('audits every change without the secret or its hash', async () => {
    const created = await createKey(t, { alias: 'audited' });
    await adminCall(t, 'PATCH', `/api/keys/${created.id}`, { rpmLimit: 10 });
    const rotated = await adminCall(t, 'POST', `/api/keys/${created.id}/rotate`, { gracePeriodSeconds: 30 });
    await adminCall(t, 'POST', `/api/keys/${created.id}/revoke`);
    const { rows } = await t.db.query(
      `SELECT actor, action, before, after FROM "AuditEvent" WHERE "targetType" = 'virtual_key' AND "targetId" = $1 ORDER BY id`,
      [created.id],
    );
    expect(rows.map((r) => [r.actor, r.action])).toEqual([
      ['master-key', 'key.create'],
      ['master-key', 'key.update'],
      ['master-key', 'key.rotate'],
      ['master-key', 'key.revoke'],
    ]);
    expect(rows[1].before.rpmLimit).toBeNull();
    expect(rows[1].after.rpmLimit).toBe(10);
    const trail = JSON.stringify(rows);
    const { rows: hashes } = await t.db.query(
      `SELECT "keyHash", "previousKeyHash" FROM "VirtualKey" WHERE id = $1`,
      [created.id],
    );
    for (const secret of [created.key, rotated.body.key as string])
      expect(trail).not.toContain(secret.slice(6));
    expect(trail).not.toContain(hashes[0].keyHash);
    expect(trail).not.toContain(hashes[0].previousKeyHash);
  });
});

describe('virtual keys across two instances on one database', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await createTestApp();
    b = await createTestApp({}, a.database);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('a key created on one instance is accepted by the other within a second, and its revocation too', async () => {
    const authB = b.app.get<GatewayAuth>(GATEWAY_AUTH);
    const created = await createKey(a, { alias: 'shared' });
    await eventually(() => expect(authB.authenticate(created.key)).toMatchObject({ keyId: created.id }));
    await adminCall(a, 'POST', `/api/keys/${created.id}/revoke`);
    await eventually(() => expect(() => authB.authenticate(created.key)).toThrow(/revoked/));
  });
});
