import path from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { type FakeUpstream, startFakeUpstream } from '../../apps/fake-upstream/src';
import { E2E } from '../playwright.config';
import { signInWithMasterKey } from '../sign-in';

/**
 * A request's log detail says what its cost was made of and which price it used: prompt tokens served
 * from the provider's cache at the cached input price, the rest at the input price, and whether the price
 * was built-in or custom. A model without a price says so. Screenshots at 1280 and 390 px go to
 * e2e/artifacts/prices/.
 */
test.describe.configure({ mode: 'serial' });

const ARTIFACTS = path.resolve(__dirname, '..', 'artifacts', 'prices');
const GROUP = 'price-used-gpt';
const UNPRICED_GROUP = 'price-used-local';

let upstream: FakeUpstream;

async function admin<T>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(`${E2E.apiUrl}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${E2E.masterKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  expect(res.ok, text).toBe(true);
  return (text ? JSON.parse(text) : null) as T;
}

async function login(page: Page) {
  await signInWithMasterKey(page);
}

/** Sends one chat request (100 prompt tokens, 64 of them cached upstream) and returns its log id. */
async function requestLogId(model: string): Promise<string> {
  const res = await fetch(`${E2E.apiUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${E2E.masterKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'x'.repeat(400) }] }),
  });
  expect(res.status, await res.text()).toBe(200);
  const requestId = res.headers.get('x-request-id')!;
  // Rows are written in batches: poll until this one is there.
  let id: string | undefined;
  await expect(async () => {
    const page = await admin<{ data: { id: string }[] }>(
      'GET',
      `/api/logs?requestId=${encodeURIComponent(requestId)}`,
    );
    id = page.data[0]?.id;
    expect(id).toBeTruthy();
  }).toPass({ timeout: 20_000 });
  return id!;
}

test.beforeAll(async () => {
  upstream = await startFakeUpstream({
    name: 'cache',
    host: '127.0.0.1',
    cachedTokens: 64,
    completionTokens: 10,
  });
  for (const [group, model] of [
    // A dated id, priced by `gpt-5-mini` (a model the prices e2e leaves alone).
    [GROUP, 'gpt-5-mini-2025-08-07'],
    [UNPRICED_GROUP, 'acme-local-llm'],
  ] as const) {
    await admin('POST', '/api/model-groups', { name: group });
    await admin('POST', '/api/deployments', {
      name: `${group}-a`,
      modelGroup: group,
      provider: 'openai-compatible',
      model,
      apiBase: upstream.url,
      apiKey: 'sk-price-used',
    });
  }
});

test.afterAll(async () => {
  // Back to the built-in price whatever happened above.
  await fetch(`${E2E.apiUrl}/api/prices/gpt-5-mini`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${E2E.masterKey}` },
  });
  await upstream?.close();
});

test("a request's detail shows its cost as tokens × the price it used, kept after a price change", async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await admin('PUT', '/api/prices/gpt-5-mini', {
    inputUsdPerMTokens: 2,
    cachedInputUsdPerMTokens: 0.4,
    outputUsdPerMTokens: 8,
  });
  const id = await requestLogId(GROUP);
  // The price changes afterwards: the logged request keeps the one it was costed with.
  await admin('PUT', '/api/prices/gpt-5-mini', {
    inputUsdPerMTokens: 5,
    cachedInputUsdPerMTokens: 1,
    outputUsdPerMTokens: 20,
  });

  await login(page);
  await page.goto(`/logs/${id}`);
  const cost = page.locator('dt', { hasText: /^Cost$/ }).locator('xpath=following-sibling::dd[1]');
  // (36 × $2 + 64 × $0.40 + 10 × $8) / 1M = $0.0001776
  await expect(cost).toHaveText(
    '$0.000178 = 36 in × $2.00 + 64 cached × $0.40 + 10 out × $8.00 per 1M (custom price for gpt-5-mini)',
  );
  await expect(cost.getByRole('link', { name: 'custom price for gpt-5-mini' })).toHaveAttribute(
    'href',
    '/prices?search=gpt-5-mini',
  );
  await page.screenshot({ path: path.join(ARTIFACTS, 'log-price-used-1280.png'), fullPage: true });

  await page.setViewportSize({ width: 390, height: 844 });
  await cost.scrollIntoViewIfNeeded();
  await expect(cost).toBeInViewport();
  expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
  await page.screenshot({ path: path.join(ARTIFACTS, 'log-price-used-390.png'), fullPage: true });

  // The built-in price, back after a reset, is named as such.
  await admin('DELETE', '/api/prices/gpt-5-mini');
  const builtIn = await requestLogId(GROUP);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`/logs/${builtIn}`);
  // (36 × $0.25 + 64 × $0.025 + 10 × $2) / 1M = $0.0000306
  await expect(cost).toHaveText(
    '$0.000031 = 36 in × $0.25 + 64 cached × $0.025 + 10 out × $2.00 per 1M (built-in price for gpt-5-mini)',
  );
  expect(errors).toEqual([]);
});

test('a request to a model without a price says that no price was known', async ({ page }) => {
  const id = await requestLogId(UNPRICED_GROUP);
  await login(page);
  await page.goto(`/logs/${id}`);
  const cost = page.locator('dt', { hasText: /^Cost$/ }).locator('xpath=following-sibling::dd[1]');
  await expect(cost).toHaveText(
    `$0: no price known for the model of deployment ${UNPRICED_GROUP}-a, so it cost 0. Set a price`,
  );
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(ARTIFACTS, 'log-no-price-390.png'), fullPage: true });
});
