import { distributionSchema, requestLogDetailSchema, requestLogPageSchema } from '@switchboard/contracts';
import { type FakeUpstream, startFakeUpstream } from '../../../fake-upstream/src';
import { adminCall, createProject, uniqueName } from '../keys/testing/admin-client';
import { createTestApp, type TestApp } from '../testing/test-app';

/**
 * The keys issue's acceptance path, through HTTP only: project + key -> gateway -> logs and
 * distribution; revoked key, disallowed model, rpm limit and budget refused with readable errors.
 */
describe('virtual keys on the data plane (through the admin API and the gateway)', () => {
  let t: TestApp;
  let up: FakeUpstream;

  beforeAll(async () => {
    t = await createTestApp();
    up = await startFakeUpstream({ name: 'keys-up' });
    for (const group of ['gpt-4.1', 'gpt-4.1-mini']) {
      const res = await adminCall(t, 'POST', '/api/deployments', {
        name: `${group}-0`,
        modelGroup: group,
        provider: 'openai-compatible',
        model: 'gpt-4.1',
        apiBase: up.url,
        apiKey: 'sk-upstream',
      });
      expect(res.status).toBe(201);
    }
  });
  afterAll(async () => {
    await t?.close();
    await up?.close();
  });

  async function issueKey(fields: Record<string, unknown> = {}) {
    const project = await createProject(t);
    const res = await adminCall(t, 'POST', '/api/keys', {
      projectId: project.id,
      alias: uniqueName('dify'),
      ...fields,
    });
    expect(res.status).toBe(201);
    return { project, key: res.body as { id: string; key: string; alias: string } };
  }

  function chat(key: string, model = 'gpt-4.1') {
    return fetch(`${t.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, max_tokens: 5, messages: [{ role: 'user', content: 'ping' }] }),
    });
  }

  async function waitForLogs(query: string, count: number) {
    for (let i = 0; i < 100; i++) {
      const res = await adminCall(t, 'GET', `/api/logs?${query}`);
      const page = requestLogPageSchema.parse(res.body);
      if (page.data.length >= count) return page;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`fewer than ${count} log rows for ${query}`);
  }

  it('a key works on the gateway, and its request shows in the logs and the distribution', async () => {
    const { project, key } = await issueKey();
    const res = await chat(key.key);
    expect(res.status).toBe(200);
    const requestId = res.headers.get('x-request-id');

    const page = await waitForLogs(`keyId=${key.id}`, 1);
    expect(page.data[0]).toMatchObject({
      requestId,
      projectId: project.id,
      modelGroup: 'gpt-4.1',
      status: 200,
    });
    expect(page.data[0]!.totalTokens).toBeGreaterThan(0);
    const detail = requestLogDetailSchema.parse(
      (await adminCall(t, 'GET', `/api/logs/${page.data[0]!.id}`)).body,
    );
    expect(detail.attempts[0]).toMatchObject({ deploymentName: 'gpt-4.1-0', status: 200 });

    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const dist = distributionSchema.parse(
      (
        await adminCall(
          t,
          'GET',
          `/api/stats/distribution?from=${from}&to=${to}&groupBy=project&interval=minute`,
        )
      ).body,
    );
    const mine = dist.groups.find((g) => g.key === project.id);
    expect(mine?.totals.requests).toBe(1);
    expect(mine?.label).toBe(project.name);
  });

  it('refuses a revoked key with 401 and a message saying so', async () => {
    const { key } = await issueKey();
    expect((await chat(key.key)).status).toBe(200);
    expect((await adminCall(t, 'POST', `/api/keys/${key.id}/revoke`)).status).toBe(200);
    const res = await chat(key.key);
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { message: string; type: string } };
    expect(body.error.message).toMatch(/revoked/i);
  });

  it('refuses a model the key may not use with 403 naming the model and the key', async () => {
    const { key } = await issueKey({ models: ['gpt-4.1-mini'] });
    expect((await chat(key.key, 'gpt-4.1-mini')).status).toBe(200);
    const res = await chat(key.key, 'gpt-4.1');
    expect(res.status).toBe(403);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toContain("'gpt-4.1'");
    expect(body.error.message).toContain(key.alias);
    // The refusal is in the request log, under the key, for the operator to see.
    const refused = await waitForLogs(`keyId=${key.id}&status=403`, 1);
    expect(refused.data[0]).toMatchObject({ status: 403, modelGroup: 'gpt-4.1', attemptCount: 0 });
    expect(refused.data[0]!.errorMessage).toContain(key.alias);
    // /v1/models lists only what the key may use.
    const models = (await (
      await fetch(`${t.url}/v1/models`, { headers: { authorization: `Bearer ${key.key}` } })
    ).json()) as { data: { id: string }[] };
    expect(models.data.map((m) => m.id)).toEqual(['gpt-4.1-mini']);
  });

  it('answers the sixth request within a minute with 429 and Retry-After for a 5 rpm key', async () => {
    const { key } = await issueKey({ rpmLimit: 5 });
    // Windows are calendar minutes: don't straddle a boundary.
    const left = 60_000 - (Date.now() % 60_000);
    if (left < 3000) await new Promise((r) => setTimeout(r, left + 50));
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await chat(key.key);
      statuses.push(res.status);
      if (i === 5) {
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(((await res.json()) as { error: { type: string } }).error.type).toBe('rate_limit_error');
      } else await res.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it('refuses a key past its budget with insufficient_quota', async () => {
    // Every request costs something: price the upstream model high.
    expect(
      (
        await adminCall(t, 'PUT', '/api/prices/gpt-4.1', {
          inputUsdPerMTokens: 100000,
          outputUsdPerMTokens: 100000,
        })
      ).status,
    ).toBe(200);
    const { key } = await issueKey({ maxBudgetUsd: 0.5, budgetPeriod: 'daily' });
    let refused: Response | null = null;
    for (let i = 0; i < 20 && !refused; i++) {
      const res = await chat(key.key);
      if (res.status === 429) refused = res;
      else {
        expect(res.status).toBe(200);
        await res.arrayBuffer();
      }
    }
    expect(refused).not.toBeNull();
    const body = (await refused!.json()) as { error: { type: string; code: string; message: string } };
    expect(body.error.type).toBe('insufficient_quota');
    expect(body.error.message).toMatch(/budget/i);
  });
});
