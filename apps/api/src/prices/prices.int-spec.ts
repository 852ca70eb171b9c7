import { COST_CALCULATOR, type CostCalculator } from '../gateway/gateway-auth';
import { adminCall } from '../keys/testing/admin-client';
import { createTestApp, type TestApp } from '../testing/test-app';
import { DEFAULT_PRICES } from './default-prices';

describe('model prices (real PostgreSQL, two instances)', () => {
  let a: TestApp;
  let b: TestApp | undefined;

  beforeAll(async () => {
    a = await createTestApp();
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('seeds the default prices at start and lists them by model', async () => {
    const res = await adminCall(a, 'GET', '/api/prices?limit=500');
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(DEFAULT_PRICES.length);
    expect(res.body.data.find((p: { model: string }) => p.model === 'gpt-4.1')).toMatchObject({
      inputUsdPerMTokens: 2,
      outputUsdPerMTokens: 8,
      defaultPrice: { inputUsdPerMTokens: 2, outputUsdPerMTokens: 8 },
      source: 'default',
      lastChange: null,
    });
    const models = res.body.data.map((p: { model: string }) => p.model);
    expect(models).toEqual([...models].sort());
    const page = await adminCall(a, 'GET', '/api/prices?limit=2');
    expect(page.body.data).toHaveLength(2);
    expect(page.body.nextCursor).toEqual(expect.any(String));
  });

  it('costs requests by exact model, longest prefix, or without a provider/ prefix', () => {
    const cost = a.app.get<CostCalculator>(COST_CALCULATOR);
    expect(cost.costUsd('gpt-4.1-mini', 1_000_000, 1_000_000)).toBeCloseTo(2.0, 10);
    expect(cost.costUsd('gpt-4.1-2025-04-14', 1_000_000, 0)).toBeCloseTo(2, 10);
    expect(cost.costUsd('anthropic/claude-sonnet-4-20250514', 0, 1_000_000)).toBeCloseTo(15, 10);
    expect(cost.costUsd('unpriced-model', 1000, 1000)).toBe(0);
  });

  it('updates a price live, audits it, and never overwrites an edited price when seeding again', async () => {
    const put = await adminCall(a, 'PUT', '/api/prices/gpt-4o', {
      inputUsdPerMTokens: 3,
      outputUsdPerMTokens: 12,
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ model: 'gpt-4o', inputUsdPerMTokens: 3, outputUsdPerMTokens: 12 });
    expect(a.app.get<CostCalculator>(COST_CALCULATOR).costUsd('gpt-4o-2024-08-06', 1_000_000, 0)).toBe(3);

    const audit = await adminCall(a, 'GET', '/api/audit?targetType=model_price&targetId=gpt-4o');
    expect(audit.body.data[0]).toMatchObject({
      actor: 'master-key',
      action: 'price.update',
      before: { inputUsdPerMTokens: 2.5, outputUsdPerMTokens: 10 },
      after: { inputUsdPerMTokens: 3, outputUsdPerMTokens: 12 },
    });

    // A second instance on the same database seeds at start too: the edit survives.
    b = await createTestApp({}, a.database);
    const costB = b.app.get<CostCalculator>(COST_CALCULATOR);
    expect(costB.costUsd('gpt-4o', 1_000_000, 0)).toBe(3);

    // A price added on one instance is used by the other within a second (LISTEN/NOTIFY) on an idle machine;
    // a loaded CI machine may stall longer. Up to 10 s still proves the notification (periodic reload: 60 s).
    const added = await adminCall(a, 'PUT', `/api/prices/${encodeURIComponent('acme/llama-70b')}`, {
      inputUsdPerMTokens: 0.5,
      outputUsdPerMTokens: 0.75,
    });
    expect(added.body.model).toBe('acme/llama-70b');
    const deadline = Date.now() + 10_000;
    while (costB.costUsd('acme/llama-70b', 1_000_000, 0) !== 0.5 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(costB.costUsd('acme/llama-70b', 1_000_000, 1_000_000)).toBe(1.25);
  });

  it('says who changed a price and when, and that it is no longer the built-in one', async () => {
    const before = await adminCall(a, 'GET', '/api/prices?search=gpt-4o-mini');
    expect(before.body.data).toEqual([expect.objectContaining({ model: 'gpt-4o-mini', source: 'default' })]);

    const put = await adminCall(a, 'PUT', '/api/prices/gpt-4o-mini', {
      inputUsdPerMTokens: 0.2,
      outputUsdPerMTokens: 0.6,
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      source: 'operator',
      defaultPrice: { inputUsdPerMTokens: 0.15, outputUsdPerMTokens: 0.6 },
      lastChange: { action: 'price.update', actor: 'master-key', at: expect.any(String) },
    });
    const listed = await adminCall(a, 'GET', '/api/prices?search=gpt-4o-mini');
    expect(listed.body.data).toEqual([put.body]);

    // Saving the same figures again changes nothing, so nothing is audited.
    await adminCall(a, 'PUT', '/api/prices/gpt-4o-mini', {
      inputUsdPerMTokens: 0.2,
      outputUsdPerMTokens: 0.6,
    });
    const audit = await adminCall(a, 'GET', '/api/audit?targetType=model_price&targetId=gpt-4o-mini');
    expect(audit.body.data.map((e: { action: string }) => e.action)).toEqual(['price.update']);
  });

  it('searches model ids ignoring case, with _ and % matching only themselves', async () => {
    const res = await adminCall(a, 'GET', '/api/prices?search=CLAUDE-3-5&limit=500');
    expect(res.status).toBe(200);
    expect(res.body.data.map((p: { model: string }) => p.model)).toEqual([
      'claude-3-5-haiku',
      'claude-3-5-sonnet',
    ]);

    // As a LIKE wildcard, `4_1` would also match gpt-4.1 and its siblings.
    await adminCall(a, 'PUT', '/api/prices/v4_1', { inputUsdPerMTokens: 1, outputUsdPerMTokens: 1 });
    const underscore = await adminCall(a, 'GET', `/api/prices?search=${encodeURIComponent('4_1')}`);
    expect(underscore.body.data.map((p: { model: string }) => p.model)).toEqual(['v4_1']);
    const percent = await adminCall(a, 'GET', `/api/prices?search=${encodeURIComponent('%')}`);
    expect(percent.body.data).toEqual([]);

    // Pages of a search follow on from each other.
    const first = await adminCall(a, 'GET', '/api/prices?search=gpt-4.1&limit=2');
    expect(first.body.data.map((p: { model: string }) => p.model)).toEqual(['gpt-4.1', 'gpt-4.1-mini']);
    const second = await adminCall(
      a,
      'GET',
      `/api/prices?search=gpt-4.1&limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    );
    expect(second.body).toMatchObject({ data: [{ model: 'gpt-4.1-nano' }], nextCursor: null });
  });

  it('resets a built-in model to its default price, live and audited', async () => {
    await adminCall(a, 'PUT', '/api/prices/o3', { inputUsdPerMTokens: 4, outputUsdPerMTokens: 16 });
    const cost = a.app.get<CostCalculator>(COST_CALCULATOR);
    expect(cost.costUsd('o3', 1_000_000, 0)).toBe(4);

    const reset = await adminCall(a, 'DELETE', '/api/prices/o3');
    expect(reset.status).toBe(204);
    expect(cost.costUsd('o3', 1_000_000, 0)).toBe(2);
    const listed = await adminCall(a, 'GET', '/api/prices?search=o3&limit=500');
    expect(listed.body.data.find((p: { model: string }) => p.model === 'o3')).toMatchObject({
      inputUsdPerMTokens: 2,
      outputUsdPerMTokens: 8,
      source: 'default',
      lastChange: { action: 'price.reset', actor: 'master-key' },
    });
    const audit = await adminCall(a, 'GET', '/api/audit?targetType=model_price&targetId=o3');
    expect(audit.body.data[0]).toMatchObject({
      action: 'price.reset',
      before: { inputUsdPerMTokens: 4, outputUsdPerMTokens: 16 },
      after: { inputUsdPerMTokens: 2, outputUsdPerMTokens: 8 },
    });
  });

  it('deletes the price of a model without a built-in one; 404 when there is none', async () => {
    const model = 'acme/mistral-small';
    const path = `/api/prices/${encodeURIComponent(model)}`;
    const added = await adminCall(a, 'PUT', path, { inputUsdPerMTokens: 0.2, outputUsdPerMTokens: 0.6 });
    expect(added.body).toMatchObject({ model, source: 'operator', defaultPrice: null });
    const cost = a.app.get<CostCalculator>(COST_CALCULATOR);
    expect(cost.costUsd(model, 1_000_000, 0)).toBe(0.2);

    expect((await adminCall(a, 'DELETE', path)).status).toBe(204);
    expect(cost.costUsd(model, 1_000_000, 0)).toBe(0);
    expect((await adminCall(a, 'GET', `/api/prices?search=${encodeURIComponent(model)}`)).body.data).toEqual(
      [],
    );
    const audit = await adminCall(
      a,
      'GET',
      `/api/audit?targetType=model_price&targetId=${encodeURIComponent(model)}`,
    );
    expect(audit.body.data[0]).toMatchObject({
      action: 'price.delete',
      before: { inputUsdPerMTokens: 0.2, outputUsdPerMTokens: 0.6 },
      after: null,
    });

    const again = await adminCall(a, 'DELETE', path);
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('not_found');
  });

  it('validates prices', async () => {
    const res = await adminCall(a, 'PUT', '/api/prices/gpt-4o', {
      inputUsdPerMTokens: -1,
      outputUsdPerMTokens: 1,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'inputUsdPerMTokens' })]);
  });
});
