import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { type FakeUpstream, startFakeUpstream } from '../../apps/fake-upstream/src';
import { E2E } from '../playwright.config';
import { signInWithMasterKey } from '../sign-in';

/**
 * The playground against the real stack: a key issued through the admin API, a model group on a slow
 * streaming fake upstream of this test's own; the operator sends a streamed chat as that key, watches the
 * text arrive (through the dashboard's /api proxy), sees the deployment, attempts, tokens and cost, and
 * follows the link to the request in Logs. Screenshots at 1280 px and 390 px go to e2e/artifacts/playground/.
 */
test.describe.configure({ mode: 'serial' });

const ARTIFACTS = path.resolve(__dirname, '..', 'artifacts', 'playground');
const WIDTHS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };
const UPSTREAM_PORT = 4431;
const suffix = Date.now().toString(36);
const GROUP = `playground-e2e-${suffix}`;
const DEPLOYMENT = `${GROUP}-0`;
const ALIAS = `pg-e2e-${suffix}`;

let upstream: FakeUpstream;

async function admin<T>(method: string, route: string, body?: unknown): Promise<T> {
  const res = await fetch(`${E2E.apiUrl}${route}`, {
    method,
    headers: { authorization: `Bearer ${E2E.masterKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status, `${method} ${route}`).toBeLessThan(300);
  return (await res.json()) as T;
}

async function login(page: Page) {
  await signInWithMasterKey(page);
}

/** Chooses the key whose label contains `alias` in the "Send as" picker (after searching for it). */
async function chooseKey(page: Page, alias: string) {
  await page.getByLabel('Find a key').fill(alias);
  const sendAs = page.getByLabel('Send as');
  const value = await sendAs.locator('option', { hasText: alias }).getAttribute('value');
  await sendAs.selectOption(value!);
  await expect(sendAs.locator('option:checked')).toContainText(alias);
}

async function shot(page: Page, name: string) {
  // From the top, so the sticky top bar is drawn where it belongs.
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

test.beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  // Slow enough that the answer is visibly still arriving: 30 words at 5 per second.
  upstream = await startFakeUpstream({
    name: 'playground-e2e',
    host: '127.0.0.1',
    port: UPSTREAM_PORT,
    tokensPerSecond: 5,
    completionTokens: 30,
  });
  await admin('POST', '/api/deployments', {
    name: DEPLOYMENT,
    modelGroup: GROUP,
    provider: 'openai-compatible',
    model: 'playground-e2e-model',
    apiBase: upstream.url,
    apiKey: 'sk-upstream',
  });
  await admin('PUT', '/api/prices/playground-e2e-model', {
    inputUsdPerMTokens: 2000,
    outputUsdPerMTokens: 8000,
  });
  const project = await admin<{ id: string }>('POST', '/api/projects', { name: `Playground ${suffix}` });
  await admin('POST', '/api/keys', { projectId: project.id, alias: ALIAS, models: [GROUP] });
});

test.afterAll(async () => {
  await upstream?.close();
});

test('an operator sends a streamed chat as a key and sees how it was served, then finds it in Logs', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));

  await login(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Playground' }).click();
  await expect(page.getByRole('heading', { name: 'Playground', level: 1 })).toBeVisible();

  // Pick the key by searching for it; the model groups follow what the key may use.
  await chooseKey(page, ALIAS);
  await expect(page.getByLabel('Model group').locator('option')).toHaveText([GROUP]);
  await page.getByLabel('System prompt').fill('Answer in lorem ipsum.');
  await page.getByLabel('User message').fill('Tell me something.');
  await expect(page.getByRole('switch', { name: 'Stream' })).toHaveAttribute('aria-checked', 'true');
  await page.getByRole('button', { name: 'Send' }).click();

  // The text arrives while the request is still running (the proxy passes the stream through).
  const answer = page.getByTestId('playground-answer');
  const stopButton = page.getByRole('button', { name: 'Stop' });
  await expect(stopButton).toBeVisible();
  await expect(answer).toContainText('lorem');
  await expect(stopButton).toBeVisible();
  const partial = (await answer.textContent()) ?? '';
  await shot(page, 'playground-streaming-1280');

  // Then the whole answer and how it was served.
  await expect(stopButton).toBeHidden({ timeout: 30_000 });
  const full = (await answer.textContent()) ?? '';
  expect(full.length).toBeGreaterThan(partial.length);
  expect(full.trim().split(/\s+/).length).toBe(30);
  const served = page.getByRole('region', { name: 'How it was served' });
  await expect(served.getByTestId('playground-deployment')).toHaveText(DEPLOYMENT);
  await expect(served.getByTestId('playground-attempts').getByRole('listitem')).toHaveCount(1);
  await expect(served.getByTestId('playground-attempts')).toContainText(DEPLOYMENT);
  await expect(served.getByTestId('playground-attempts')).toContainText('200');
  await expect(served.getByTestId('playground-completion-tokens')).toHaveText('30 tokens');
  await expect(served.getByTestId('playground-cost')).toHaveText(/^\$0\.\d+/);
  await expect(served.getByText('1 attempt')).toBeVisible();
  await shot(page, 'playground-1280');

  await page.setViewportSize(WIDTHS.phone);
  await expect(served.getByTestId('playground-deployment')).toBeVisible();
  await shot(page, 'playground-390');
  // Nothing wider than the screen at 390 px.
  const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
  expect(overflow).toBeLessThanOrEqual(0);
  await page.setViewportSize(WIDTHS.desktop);

  // The link opens the request in Logs (the row is written with the next log batch).
  const requestId = (await served.locator('code').first().textContent())!.trim();
  expect(requestId).toMatch(/^req_/);
  await served.getByRole('link', { name: 'Open in Logs' }).click();
  await expect(page).toHaveURL(new RegExp(`/logs\\?requestId=${requestId}`));
  const table = page.getByRole('table');
  await expect(async () => {
    await page.reload();
    await expect(table.getByRole('row')).toHaveCount(2, { timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  await expect(table.getByRole('row').nth(1)).toContainText(DEPLOYMENT);
  await shot(page, 'playground-log-1280');
  expect(errors).toEqual([]);
});

test('Stop ends a running answer, and a refusal shows the data plane’s status, code and reason', async ({
  page,
}) => {
  await login(page);
  await page.goto('/playground');
  // As the master key (no limits): Stop ends the stream and the upstream request.
  await page.getByLabel('Model group').selectOption(GROUP);
  await page.getByLabel('User message').fill('Hello');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByTestId('playground-answer')).toContainText('lorem');
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Stopped' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Send' })).toBeEnabled();
  await expect.poll(() => upstream.stats().inFlight, { timeout: 10_000 }).toBe(0);

  // A key with one request per minute: the second is refused with the data plane's 429.
  const project = await admin<{ id: string }>('POST', '/api/projects', { name: `Playground rpm ${suffix}` });
  const limited = `pg-rpm-${suffix}`;
  await admin('POST', '/api/keys', { projectId: project.id, alias: limited, rpmLimit: 1 });
  await page.reload();
  await chooseKey(page, limited);
  await page.getByLabel('Model group').selectOption(GROUP);
  await page.getByLabel('User message').fill('Hello');
  await page.getByRole('switch', { name: 'Stream' }).click();
  await expect(page.getByRole('switch', { name: 'Stream' })).toHaveAttribute('aria-checked', 'false');
  // Both requests in the same minute window: two sends through the page, each waiting for its answer, can
  // take several seconds on a slow machine, so start at least 15 s before the minute ends.
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 15_000) await page.waitForTimeout(left + 100);
  await page.getByRole('button', { name: 'Send' }).click();
  const served = page.getByRole('region', { name: 'How it was served' });
  await expect(served.getByTestId('playground-deployment')).toHaveText(DEPLOYMENT);
  await expect(page.getByTestId('playground-answer')).toContainText('lorem');
  await page.getByRole('button', { name: 'Send' }).click();
  const refusal = page.getByRole('alert').filter({ hasText: '429 · rate_limit_exceeded' });
  await expect(refusal).toBeVisible();
  await expect(refusal).toContainText(`Rate limit reached for key '${limited}'`);
  await shot(page, 'playground-refused-1280');
  await page.setViewportSize(WIDTHS.phone);
  await expect(refusal).toBeVisible();
  await shot(page, 'playground-refused-390');
  await page.setViewportSize(WIDTHS.desktop);
});
