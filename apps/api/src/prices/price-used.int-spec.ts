import { type RequestLogDetail, requestLogDetailSchema, requestLogPageSchema } from '@switchboard/contracts';
import { type FakeUpstream, startFakeUpstream } from '../../../fake-upstream/src';
import { adminCall } from '../keys/testing/admin-client';
import { seedRouting } from '../testing/seed';
import { createTestApp, type TestApp } from '../testing/test-app';
import { RequestLogWriter } from '../usage/request-log.writer';

/**
 * Issue #12 item 7: prompt tokens served from the provider's cache are counted and costed at the cached
 * input price, and every request's log row keeps the price its cost was computed with.
 */
describe('cached input prices and the price each cost used (real app, real PostgreSQL, fake upstream)', () => {
  let t: TestApp;
  let upstream: FakeUpstream;
  const PRICED = 'cache-gpt';
  const UNPRICED = 'cache-local';
  /** 100 prompt tokens at the fake upstream's 4 characters a token. */
  const PROMPT = 'x'.repeat(400);
  const CACHED = 64;

  beforeAll(async () => {
    t = await createTestApp();
    upstream = await startFakeUpstream({ name: 'cache', cachedTokens: CACHED, completionTokens: 10 });
    await seedRouting(t, [
      // A dated id: priced by the built-in `gpt-4.1` through the longest-prefix match.
      { name: 'cache-openai', modelGroup: PRICED, apiBase: upstream.url, model: 'gpt-4.1-2025-04-14' },
      { name: 'cache-local', modelGroup: UNPRICED, apiBase: upstream.url, model: 'acme-local-llm' },
    ]);
  });
  afterAll(async () => {
    await t?.close();
    await upstream?.close();
  });

  /** Sends a chat request and returns its log row (detail) once written. */
  async function chat(model: string, stream = false): Promise<RequestLogDetail> {
    const res = await fetch(`${t.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.config.masterKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: PROMPT }] }),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    if (stream) expect(text).toContain('"cached_tokens":64');
    await t.app.get(RequestLogWriter).flush();
    const requestId = res.headers.get('x-request-id')!;
    const page = requestLogPageSchema.parse(
      (await adminCall(t, 'GET', `/api/logs?requestId=${encodeURIComponent(requestId)}`)).body,
    );
    expect(page.data).toHaveLength(1);
    return requestLogDetailSchema.parse((await adminCall(t, 'GET', `/api/logs/${page.data[0]!.id}`)).body);
  }

  const expectedCost = (log: RequestLogDetail, input: number, cached: number, output: number) =>
    ((log.promptTokens - log.cachedTokens) * input +
      log.cachedTokens * cached +
      log.completionTokens * output) /
    1_000_000;

  it('costs cached prompt tokens at the cached input price and keeps the built-in price with the row', async () => {
    const log = await chat(PRICED);
    expect(log.promptTokens).toBeGreaterThan(CACHED);
    expect(log.cachedTokens).toBe(CACHED);
    expect(log.pricing).toEqual({
      model: 'gpt-4.1',
      source: 'built-in',
      inputUsdPerMTokens: 2,
      cachedInputUsdPerMTokens: 0.5,
      outputUsdPerMTokens: 8,
    });
    expect(log.costUsd).toBeCloseTo(expectedCost(log, 2, 0.5, 8), 12);
    // Less than the same tokens at the input price: the cache discount is applied.
    expect(log.costUsd).toBeLessThan((log.promptTokens * 2 + log.completionTokens * 8) / 1_000_000);
  });

  it('a later price change costs new requests with it and leaves the old rows as they were', async () => {
    const before = await chat(PRICED);
    const put = await adminCall(t, 'PUT', '/api/prices/gpt-4.1', {
      inputUsdPerMTokens: 3,
      cachedInputUsdPerMTokens: 1,
      outputUsdPerMTokens: 9,
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ cachedInputUsdPerMTokens: 1, source: 'operator' });

    const after = await chat(PRICED);
    expect(after.pricing).toEqual({
      model: 'gpt-4.1',
      source: 'custom',
      inputUsdPerMTokens: 3,
      cachedInputUsdPerMTokens: 1,
      outputUsdPerMTokens: 9,
    });
    expect(after.costUsd).toBeCloseTo(expectedCost(after, 3, 1, 9), 12);

    const again = requestLogDetailSchema.parse((await adminCall(t, 'GET', `/api/logs/${before.id}`)).body);
    expect(again.pricing).toEqual(before.pricing);
    expect(again.pricing?.source).toBe('built-in');
    expect(again.costUsd).toBe(before.costUsd);

    // No cached price: cached tokens cost the input price.
    await adminCall(t, 'PUT', '/api/prices/gpt-4.1', { inputUsdPerMTokens: 3, outputUsdPerMTokens: 9 });
    const inputPriced = await chat(PRICED);
    expect(inputPriced.pricing).toMatchObject({ source: 'custom', cachedInputUsdPerMTokens: null });
    expect(inputPriced.costUsd).toBeCloseTo(expectedCost(inputPriced, 3, 3, 9), 12);
  });

  it('counts the cached tokens of a streamed answer from its final usage chunk', async () => {
    await adminCall(t, 'PUT', '/api/prices/gpt-4.1', {
      inputUsdPerMTokens: 2,
      cachedInputUsdPerMTokens: 0.25,
      outputUsdPerMTokens: 8,
    });
    const log = await chat(PRICED, true);
    expect(log.stream).toBe(true);
    expect(log.cachedTokens).toBe(CACHED);
    expect(log.pricing).toMatchObject({ model: 'gpt-4.1', source: 'custom', cachedInputUsdPerMTokens: 0.25 });
    expect(log.costUsd).toBeCloseTo(expectedCost(log, 2, 0.25, 8), 12);
  });

  it('a model without a price: no pricing and cost 0, cached tokens still counted', async () => {
    const log = await chat(UNPRICED);
    expect(log.pricing).toBeNull();
    expect(log.costUsd).toBe(0);
    expect(log.cachedTokens).toBe(CACHED);
  });

  it('exports the cached tokens and a readable price column', async () => {
    await chat(UNPRICED);
    const res = await fetch(`${t.url}/api/logs/export?format=csv`, {
      headers: { authorization: t.adminHeaders.authorization! },
    });
    const [header, ...rows] = (await res.text()).trim().split('\r\n');
    const columns = header!.split(',');
    const cell = (row: string, name: string) => row.split(',')[columns.indexOf(name)];
    expect(columns).toEqual(expect.arrayContaining(['cachedTokens', 'price']));
    expect(rows.map((r) => cell(r, 'cachedTokens'))).toContain(String(CACHED));
    expect(rows.map((r) => cell(r, 'price'))).toEqual(
      expect.arrayContaining([
        'no price known',
        'gpt-4.1 (built-in): input $2; cached input $0.5; output $8 per 1M tokens',
        'gpt-4.1 (custom): input $3; cached input $1; output $9 per 1M tokens',
      ]),
    );
  });

  it('lists the cached input price with its built-in default, validates it, and a reset restores it', async () => {
    const listed = await adminCall(t, 'GET', '/api/prices?search=gpt-4o-mini');
    expect(listed.body.data[0]).toMatchObject({
      model: 'gpt-4o-mini',
      cachedInputUsdPerMTokens: 0.075,
      defaultPrice: { inputUsdPerMTokens: 0.15, cachedInputUsdPerMTokens: 0.075, outputUsdPerMTokens: 0.6 },
      source: 'default',
    });

    for (const bad of [-0.01, 'cheap', 1e9]) {
      const res = await adminCall(t, 'PUT', '/api/prices/gpt-4o-mini', {
        inputUsdPerMTokens: 0.15,
        cachedInputUsdPerMTokens: bad,
        outputUsdPerMTokens: 0.6,
      });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'cachedInputUsdPerMTokens' })]);
    }

    // Only the cached price differs from the built-in one: that makes it the operator's, audited.
    const put = await adminCall(t, 'PUT', '/api/prices/gpt-4o-mini', {
      inputUsdPerMTokens: 0.15,
      cachedInputUsdPerMTokens: 0.05,
      outputUsdPerMTokens: 0.6,
    });
    expect(put.body).toMatchObject({ cachedInputUsdPerMTokens: 0.05, source: 'operator' });
    const audit = await adminCall(t, 'GET', '/api/audit?targetType=model_price&targetId=gpt-4o-mini');
    expect(audit.body.data[0]).toMatchObject({
      action: 'price.update',
      before: { cachedInputUsdPerMTokens: 0.075 },
      after: { cachedInputUsdPerMTokens: 0.05 },
    });

    expect((await adminCall(t, 'DELETE', '/api/prices/gpt-4o-mini')).status).toBe(204);
    const reset = await adminCall(t, 'GET', '/api/prices?search=gpt-4o-mini');
    expect(reset.body.data[0]).toMatchObject({ cachedInputUsdPerMTokens: 0.075, source: 'default' });
  });

  it('gives built-in prices seeded before cached prices existed theirs at start, but not edited ones', async () => {
    // As an older version seeded them: no cached price. gpt-5 was then saved through the API that way.
    await adminCall(t, 'PUT', '/api/prices/gpt-5', { inputUsdPerMTokens: 1.25, outputUsdPerMTokens: 10 });
    await t.db.query(
      `UPDATE "ModelPrice" SET "cachedInputUsdPerMTokens" = NULL WHERE model IN ('gpt-4.1-mini', 'gpt-5')`,
    );
    const second = await createTestApp({}, t.database);
    try {
      const { rows } = await second.db.query<{ model: string; cached: number | null }>(
        `SELECT model, "cachedInputUsdPerMTokens" AS cached FROM "ModelPrice" WHERE model IN ('gpt-4.1-mini', 'gpt-5') ORDER BY model`,
      );
      expect(rows).toEqual([
        { model: 'gpt-4.1-mini', cached: 0.1 },
        { model: 'gpt-5', cached: null },
      ]);
    } finally {
      await second.close();
    }
  });
});
