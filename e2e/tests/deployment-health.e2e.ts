import { expect, type Locator, type Page, test } from '@playwright/test';
import { E2E } from '../playwright.config';
import { signInWithMasterKey } from '../sign-in';

/**
 * A failing upstream must not look healthy: a deployment whose attempts fail while retries on another one
 * answer every request reads "Failing" with its failures, and a "Test connection" that the upstream refuses
 * changes the badge at once.
 */
test.describe.configure({ mode: 'serial' });

const GROUP = 'health-e2e-gpt-4o';
const [FAILING_PORT, GOOD_PORT, KEY_PORT] = E2E.upstreamPorts;
const REQUESTS = 6;
const RIGHT_KEY = 'sk-health-right-key-7777';
const WIDTHS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

async function admin<T>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(`${E2E.apiUrl}${url}`, {
    method,
    headers: { authorization: `Bearer ${E2E.masterKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status, `${method} ${url}: ${res.status}`).toBeLessThan(300);
  return (await res.json()) as T;
}

/** Changes a fake upstream's behaviour (see apps/fake-upstream). */
async function configureUpstream(port: number, settings: Record<string, unknown>) {
  const res = await fetch(`http://127.0.0.1:${port}/_fake/config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(settings),
  });
  expect(res.status, await res.text()).toBe(200);
}

async function login(page: Page) {
  await signInWithMasterKey(page);
}

async function shot(page: Page, name: string) {
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}

const row = (page: Page, name: string): Locator => page.getByRole('row', { name: new RegExp(`^${name} `) });

test.afterEach(async () => {
  // The upstreams are shared with every other test: back to answering everyone.
  await configureUpstream(FAILING_PORT, { fault: null });
  await configureUpstream(KEY_PORT, { requireApiKey: null });
});

test('a deployment failing behind retries reads Failing; a rejected key reads Credentials rejected after a test', async ({
  page,
}) => {
  // --- priority routing: the first tier fails, one retry goes to the second, which answers
  await admin('POST', '/api/model-groups', {
    name: GROUP,
    strategy: 'priority',
    numRetries: 1,
    // Tolerate every failure: the router keeps the failing deployment in rotation.
    allowedFails: 1000,
  });
  const deployment = (name: string, port: number, priority: number, extra: Record<string, unknown> = {}) =>
    admin<{ id: string }>('POST', '/api/deployments', {
      name,
      modelGroup: GROUP,
      provider: 'openai-compatible',
      model: 'gpt-4o',
      apiBase: `http://127.0.0.1:${port}/v1`,
      apiKey: `sk-${name}`,
      priority,
      ...extra,
    });
  const failing = await deployment('health-primary', FAILING_PORT, 0);
  await deployment('health-secondary', GOOD_PORT, 1);
  // Standby tiers that get no traffic here: one to test with a rejected key, one whose model is missing.
  await deployment('health-rotated-key', KEY_PORT, 2, { apiKey: 'sk-health-old-key-1111' });
  await deployment('health-missing-model', GOOD_PORT, 3, {
    provider: 'openai',
    model: 'health-no-such-model',
  });

  await configureUpstream(FAILING_PORT, { fault: { kind: 'status', status: 500 } });
  for (let i = 0; i < REQUESTS; i++) {
    const res = await fetch(`${E2E.apiUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${E2E.masterKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: GROUP, messages: [{ role: 'user', content: `hi ${i}` }] }),
    });
    expect(res.status, await res.text()).toBe(200);
    expect(res.headers.get('x-switchboard-deployment')).toBe('health-secondary');
  }

  // Attempt counts are written with the request-log batches: wait until the six failures are there.
  await expect(async () => {
    const to = new Date(Date.now() + 60_000).toISOString();
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const stats = await admin<{ deployments: { deploymentId: string; failed: number }[] }>(
      'GET',
      `/api/stats/attempts?from=${from}&to=${to}&interval=minute`,
    );
    expect(stats.deployments.find((d) => d.deploymentId === failing.id)?.failed).toBe(REQUESTS);
  }).toPass();

  // --- the Deployments page: the failing one is not "Healthy", with its failures and their kind
  await login(page);
  await page.goto(`/deployments?modelGroup=${encodeURIComponent(GROUP)}`);
  const primary = row(page, 'health-primary');
  const secondary = row(page, 'health-secondary');
  await expect(primary.getByText('Failing', { exact: true })).toBeVisible();
  await expect(primary).toContainText(`${REQUESTS} of ${REQUESTS} failed`);
  await expect(primary).toContainText('100 %');
  await expect(primary).toContainText(`server ×${REQUESTS}`);
  await expect(primary).toContainText(/Last error (just now|\d+ (s|min) ago)/);
  await expect(primary).toContainText('No success yet');
  await expect(
    primary.getByRole('img', { name: /Error rate in 5-minute steps over the last hour: .*highest 100 %/ }),
  ).toBeVisible();

  await expect(secondary.getByText('Healthy', { exact: true })).toBeVisible();
  await expect(secondary).toContainText(`0 of ${REQUESTS} failed`);
  await expect(secondary).toContainText(/Last success (just now|\d+ (s|min) ago)/);
  await expect(secondary).not.toContainText('Last error');

  // The 24 h summary counts the same attempts.
  await page.getByRole('radio', { name: 'Last 24 hours' }).check();
  await expect(page.getByRole('columnheader', { name: /Errors · 24 h/ })).toBeVisible();
  await expect(primary).toContainText(`${REQUESTS} of ${REQUESTS} failed`);
  await expect(
    primary.getByRole('img', { name: /Error rate in hourly steps over the last 24 hours/ }),
  ).toBeVisible();
  await page.getByRole('radio', { name: 'Last hour' }).check();
  await expect(primary).toContainText(`server ×${REQUESTS}`);

  // Every column fits beside the sidebar at 1280 px.
  const clipped = await page.getByRole('table', { name: 'Deployments' }).evaluate((table) => {
    const box = table.parentElement;
    return box ? box.scrollWidth - box.clientWidth : 0;
  });
  expect(clipped).toBeLessThanOrEqual(1);
  await shot(page, 'deployment-health-1280');
  await page.setViewportSize(WIDTHS.phone);
  await expect(primary.getByText('Failing', { exact: true })).toBeVisible();
  await shot(page, 'deployment-health-390');
  await page.setViewportSize(WIDTHS.desktop);

  // --- the key was rotated upstream: a test is refused, and the badge says so without a reload
  await configureUpstream(KEY_PORT, { requireApiKey: RIGHT_KEY });
  const rotated = row(page, 'health-rotated-key');
  await expect(rotated.getByText('Healthy', { exact: true })).toBeVisible();
  await rotated.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'HTTP 401' })).toBeVisible();
  await expect(rotated.getByText('Credentials rejected', { exact: true })).toBeVisible();
  await expect(rotated).toContainText(/s left.*401 auth/);
  await shot(page, 'deployment-health-rejected-1280');
  await page.setViewportSize(WIDTHS.phone);
  await expect(rotated.getByText('Credentials rejected', { exact: true })).toBeVisible();
  await shot(page, 'deployment-health-rejected-390');
  await page.setViewportSize(WIDTHS.desktop);

  // The upstream takes the key again: a passing test puts the deployment back.
  await configureUpstream(KEY_PORT, { requireApiKey: null });
  await rotated.getByRole('button', { name: 'Test connection' }).click();
  await expect(rotated.getByText('Healthy', { exact: true })).toBeVisible();

  // --- any failed test (here the model is missing upstream) leaves no "Healthy" badge behind
  const missing = row(page, 'health-missing-model');
  await expect(missing.getByText('Healthy', { exact: true })).toBeVisible();
  await missing.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'HTTP 404' })).toBeVisible();
  await expect(missing.getByText('Last call failed', { exact: true })).toBeVisible();
  await expect(missing).not.toContainText('Healthy');
});
