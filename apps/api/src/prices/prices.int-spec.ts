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

    // A price added on one instance is used by the other within a second (LISTEN/NOTIFY).
    const added = await adminCall(a, 'PUT', `/api/prices/${encodeURIComponent('acme/llama-70b')}`, {
      inputUsdPerMTokens: 0.5,
      outputUsdPerMTokens: 0.75,
    });
    expect(added.body.model).toBe('acme/llama-70b');
    const deadline = Date.now() + 1000;
    while (costB.costUsd('acme/llama-70b', 1_000_000, 0) !== 0.5 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(costB.costUsd('acme/llama-70b', 1_000_000, 1_000_000)).toBe(1.25);
  });

  it('validates prices', async () => {
    const res = await adminCall(a, 'PUT', '/api/prices/gpt-4o', {
      inputUsdPerMTokens: -1,
      outputUsdPerMTokens: 1,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
  });
});
