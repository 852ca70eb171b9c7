import { type Deployment, deploymentSchema } from '@switchboard/contracts';
import { createServer } from 'node:net';
import { type FakeUpstream, startFakeUpstream } from '../../../fake-upstream/src';
import { adminCall, uniqueName } from '../keys/testing/admin-client';
import { until } from '../testing/gateway-cluster';
import {
  describeWithRedis,
  REDIS_TEST_TIMEOUT_MS,
  startTestRedis,
  type TestRedis,
} from '../testing/redis-server';
import { createTestApp, type TestApp } from '../testing/test-app';
import { createTestDatabase, type TestDatabase } from '../testing/test-database';
import { Router } from '../routing/router';
import { RouterRegistry } from '../routing/router-registry';
import { HealthProbeService } from './health-probe.service';

/**
 * Issue #12 item 8a: background health checks. Real app, real PostgreSQL, the fake upstream at the network
 * edge. The interval floor (10 s) is lowered to 1 s through the app config, as only tests may.
 */
const FLOOR = { healthProbeMinIntervalSeconds: 1 };

const modelsCalls = (u: FakeUpstream) =>
  Object.entries(u.stats().byPath)
    .filter(([path]) => path.endsWith('/models'))
    .reduce((n, [, c]) => n + c, 0);
const chatCalls = (u: FakeUpstream) =>
  Object.entries(u.stats().byPath)
    .filter(([path]) => path.endsWith('/chat/completions'))
    .reduce((n, [, c]) => n + c, 0);

async function createGroup(t: TestApp, name: string): Promise<void> {
  const res = await adminCall(t, 'POST', '/api/model-groups', {
    name,
    numRetries: 0,
    allowedFails: 0,
    cooldownSeconds: 600,
    maxCooldownSeconds: 600,
  });
  if (res.status !== 201) throw new Error(`group create failed: ${res.status} ${JSON.stringify(res.body)}`);
}

async function createDeployment(
  t: TestApp,
  apiBase: string,
  fields: Record<string, unknown> = {},
): Promise<Deployment> {
  const res = await adminCall(t, 'POST', '/api/deployments', {
    name: uniqueName('probed'),
    modelGroup: uniqueName('probe-group'),
    provider: 'openai-compatible',
    model: 'gpt-4o-mini',
    apiBase,
    apiKey: 'sk-probe-0123456789',
    ...fields,
  });
  if (res.status !== 201)
    throw new Error(`deployment create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return deploymentSchema.parse(res.body);
}

async function getDeployment(t: TestApp, id: string): Promise<Deployment> {
  return deploymentSchema.parse((await adminCall(t, 'GET', `/api/deployments/${id}`)).body);
}

async function chat(t: TestApp, model: string): Promise<number> {
  const res = await fetch(`${t.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${t.config.masterKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });
  await res.text();
  return res.status;
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('background health probes (real app, real PostgreSQL)', () => {
  let t: TestApp;
  const upstreams: FakeUpstream[] = [];
  const upstream = async () => {
    const u = await startFakeUpstream({ name: uniqueName('probe-upstream') });
    upstreams.push(u);
    return u;
  };

  beforeAll(async () => {
    t = await createTestApp(FLOOR);
  });
  afterAll(async () => {
    await t?.close();
    for (const u of upstreams) await u.close();
  });

  it('stores the settings, audits them and refuses an interval under the floor with a 400', async () => {
    const u = await upstream();
    const d = await createDeployment(t, u.url, { probeIntervalSeconds: 3600, probeMode: 'chat' });
    expect(d).toMatchObject({ probeIntervalSeconds: 3600, probeMode: 'chat' });
    const off = await adminCall(t, 'PATCH', `/api/deployments/${d.id}`, { probeIntervalSeconds: null });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ probeIntervalSeconds: null, probeMode: 'chat' });
    const audit = await t.db.query<{ before: Record<string, unknown>; after: Record<string, unknown> }>(
      `SELECT before, after FROM "AuditEvent" WHERE action = 'deployment.update' AND "targetId" = $1`,
      [d.id],
    );
    expect(audit.rows[0]?.before).toMatchObject({ probeIntervalSeconds: 3600 });
    expect(audit.rows[0]?.after).toMatchObject({ probeIntervalSeconds: null });

    for (const bad of [0, 1.5, 86_401, 'often']) {
      const res = await adminCall(t, 'PATCH', `/api/deployments/${d.id}`, { probeIntervalSeconds: bad });
      expect(res.status).toBe(400);
    }
    const bad = await adminCall(t, 'PATCH', `/api/deployments/${d.id}`, { probeMode: 'ping' });
    expect(bad.status).toBe(400);
  });

  it('(a, b) shows a rejected key and an unreachable upstream without traffic, with free /models calls only', async () => {
    const u = await upstream();
    const d = await createDeployment(t, u.url, { probeIntervalSeconds: 1 });
    await until(async () => (await getDeployment(t, d.id)).state.lastProbe?.ok === true);
    const healthy = await getDeployment(t, d.id);
    expect(healthy.state).toMatchObject({ status: 'healthy', lastProbe: { ok: true, status: 200 } });
    expect(healthy.state.lastSuccessAt).not.toBeNull();

    // The upstream starts refusing the key: the console shows "Credentials rejected" with no request sent.
    u.configure({ requireApiKey: 'sk-some-other-key' });
    await until(async () => (await getDeployment(t, d.id)).state.cooldownReason === 'auth');
    const rejected = await getDeployment(t, d.id);
    expect(rejected.state).toMatchObject({ status: 'cooling_down', lastProbe: { ok: false, status: 401 } });
    expect(rejected.state.lastError).toMatch(/401/);
    expect(rejected.state.lastError).not.toContain('sk-probe-0123456789');

    // Probes cost nothing: only the free model list was called, never a completion.
    expect(modelsCalls(u)).toBeGreaterThanOrEqual(2);
    expect(chatCalls(u)).toBe(0);
    expect(u.stats().total).toBe(modelsCalls(u));

    // And the key works again: the next (half-open) probe puts it back into rotation.
    u.configure({ requireApiKey: null });
    await until(async () => (await getDeployment(t, d.id)).state.status === 'healthy');

    // An upstream nobody answers at: the last probe and last error say so.
    const gone = await createDeployment(t, `http://127.0.0.1:${await closedPort()}/v1`, {
      probeIntervalSeconds: 1,
    });
    await until(async () => (await getDeployment(t, gone.id)).state.lastProbe !== null);
    const unreachable = await getDeployment(t, gone.id);
    expect(unreachable.state.lastProbe).toMatchObject({ ok: false, status: null });
    expect(unreachable.state.lastProbe?.message).toMatch(/Could not reach/);
    expect(unreachable.state.lastError).not.toBeNull();

    const metrics = await (
      await fetch(`${t.url}/metrics`, { headers: { authorization: t.adminHeaders.authorization! } })
    ).text();
    expect(metrics).toContain(
      `switchboard_deployment_probes_total{deployment="${d.name}",outcome="success"}`,
    );
    expect(metrics).toContain(`switchboard_deployment_probes_total{deployment="${d.name}",outcome="auth"}`);
  });

  it('probes nothing while health checks are off and the deployment is in rotation', async () => {
    const u = await upstream();
    const d = await createDeployment(t, u.url);
    const probes = t.app.get(HealthProbeService);
    const before = u.stats().total;
    probes.tick();
    expect(probes.lastTurnAt(d.id)).toBeUndefined();
    expect(u.stats().total).toBe(before);
    expect((await getDeployment(t, d.id)).state.lastProbe).toBeNull();
  });

  it('(c) a deployment benched by failed requests returns as soon as a probe answers, long before its cooldown ends', async () => {
    const u = await upstream();
    const group = uniqueName('half-open');
    await createGroup(t, group);
    // Background checks off: a benched deployment is still probed (free check only, while benched).
    // Provider `openai` checks `GET /models/{model}`, which fails while the fake does not list the model.
    const d = await createDeployment(t, u.url, { modelGroup: group, provider: 'openai' });
    u.configure({ fault: { kind: 'status', status: 500 }, models: ['another-model'] });
    expect(await chat(t, group)).toBeGreaterThanOrEqual(500);
    const benched = await getDeployment(t, d.id);
    expect(benched.state).toMatchObject({ status: 'cooling_down', cooldownReason: 'failures' });
    expect(Date.parse(benched.state.cooldownUntil!) - Date.now()).toBeGreaterThan(500_000);
    // Probed while benched; a failed probe keeps it benched.
    await until(async () => (await getDeployment(t, d.id)).state.lastProbe?.status === 404, 20_000);
    expect((await getDeployment(t, d.id)).state.status).toBe('cooling_down');

    u.configure({ fault: null, models: ['gpt-4o-mini'] });
    await until(async () => (await getDeployment(t, d.id)).state.status === 'healthy', 20_000);
    expect((await getDeployment(t, d.id)).state.lastProbe).toMatchObject({ ok: true });
    expect(await chat(t, group)).toBe(200);
    expect(chatCalls(u)).toBe(2);
  });

  it('(d) a rate-limit bench is not lifted because /models answers', async () => {
    const u = await upstream();
    const group = uniqueName('rate-limited');
    await createGroup(t, group);
    const d = await createDeployment(t, u.url, { modelGroup: group, probeIntervalSeconds: 1 });
    u.configure({ fault: { kind: 'status', status: 429, retryAfterSeconds: 600 } });
    expect(await chat(t, group)).toBe(429);
    expect((await getDeployment(t, d.id)).state).toMatchObject({ cooldownReason: 'rate_limited' });

    // Two successful probes later it is still benched: the provider still refuses completions.
    const seen = modelsCalls(u);
    await until(() => modelsCalls(u) >= seen + 2);
    await until(async () => (await getDeployment(t, d.id)).state.lastProbe?.ok === true);
    expect((await getDeployment(t, d.id)).state).toMatchObject({
      status: 'cooling_down',
      cooldownReason: 'rate_limited',
    });
    expect(chatCalls(u)).toBe(1);
  });
});

describe('background health probes at shutdown', () => {
  it('(e) stops probing once the app is closed', async () => {
    const u = await startFakeUpstream({ name: 'probe-shutdown' });
    const t = await createTestApp(FLOOR);
    try {
      const d = await createDeployment(t, u.url, { probeIntervalSeconds: 1 });
      await until(() => modelsCalls(u) >= 2);
      expect(d.probeIntervalSeconds).toBe(1);
    } finally {
      await t.close();
    }
    const after = u.stats().total;
    // Several intervals: a scheduler still running would have probed again.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(u.stats().total).toBe(after);
    await u.close();
  });
});

describeWithRedis('background health probes with several instances (real redis-server)', () => {
  let redis: TestRedis;
  let database: TestDatabase;
  const apps: TestApp[] = [];
  let u: FakeUpstream;

  beforeAll(async () => {
    redis = await startTestRedis();
    database = await createTestDatabase();
    for (let i = 0; i < 2; i++) {
      apps.push(
        await createTestApp(
          {
            ...FLOOR,
            redisUrl: redis.url,
            redisKeyPrefix: 'probe-test:',
            redisTimeoutMs: REDIS_TEST_TIMEOUT_MS,
          },
          database,
        ),
      );
    }
    u = await startFakeUpstream({ name: 'probe-cluster' });
  });
  afterAll(async () => {
    for (const t of apps) {
      await t.app.close();
      await t.db.end();
    }
    await database?.drop();
    await redis?.stop();
    await u?.close();
  });

  it('one instance probes a deployment per interval, and every instance shows its result', async () => {
    // An hour-long interval: both instances find the deployment due at once; only one may probe it.
    const d = await createDeployment(apps[0]!, u.url, { probeIntervalSeconds: 3600 });
    const probes = apps.map((t) => t.app.get(HealthProbeService));
    await until(() => probes.every((p) => p.lastTurnAt(d.id) !== undefined));
    await until(async () => {
      const states = await Promise.all(apps.map((t) => getDeployment(t, d.id)));
      return states.every((s) => s.state.lastProbe?.ok === true);
    });
    expect(modelsCalls(u)).toBe(1);
  });

  it('a bench lifted by a probe on one instance is lifted on every instance at once', async () => {
    const group = uniqueName('shared-lift');
    await createGroup(apps[0]!, group);
    // Provider `openai` checks `GET /models/{model}`: every instance's own probes fail while it is unlisted.
    u.configure({ models: ['another-model'], fault: { kind: 'status', status: 500 } });
    const d = await createDeployment(apps[0]!, u.url, { modelGroup: group, provider: 'openai' });
    await until(() => apps.every((t) => t.app.get(RouterRegistry).getDeployment(d.id) !== undefined));
    expect(await chat(apps[0]!, group)).toBeGreaterThanOrEqual(500);
    const statuses = async () =>
      (await Promise.all(apps.map((t) => getDeployment(t, d.id)))).map((x) => x.state.status);
    await until(async () => (await statuses()).every((s) => s === 'cooling_down'));

    // A probe answers on instance 0 only: instance 1 puts it back into rotation too, without a probe of its own.
    apps[0]!.app
      .get(Router)
      .recordProbe(d.id, null, { ok: true, status: 200, latencyMs: 1, message: 'Connected' });
    await until(async () => (await getDeployment(apps[1]!, d.id)).state.status === 'healthy');
    u.configure({ models: ['gpt-4o-mini'], fault: null });
  });
});
