import path from 'node:path';
import { expect, type Locator, type Page, test } from '@playwright/test';
import { E2E } from '../playwright.config';
import { signInWithMasterKey } from '../sign-in';

/**
 * Issue #12 item 8a: background health checks. Turned on in the deployment form, they show a failing
 * upstream (here: it starts refusing the key) on the Deployments page without any traffic, and the
 * deployment back in rotation once the upstream answers again. Screenshots at 1280 and 390 px go to
 * e2e/artifacts/deployment-probes/.
 */
test.describe.configure({ mode: 'serial' });

const ARTIFACTS = path.resolve(__dirname, '..', 'artifacts', 'deployment-probes');
const GROUP = 'probes-e2e-gpt-4o';
const NAME = 'probes-e2e-upstream';
const PORT = E2E.upstreamPorts[2];
const WIDTHS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };
/** One 10 s interval (the floor) plus a refresh of the page, with room to spare. */
const PROBE_WAIT = { timeout: 40_000 };

async function admin<T>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(`${E2E.apiUrl}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${E2E.masterKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status, `${method} ${url}: ${res.status}`).toBeLessThan(300);
  return (res.status === 204 ? null : await res.json()) as T;
}

async function upstream<T>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${PORT}/_fake/${route}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status, `/_fake/${route}`).toBe(200);
  return (await res.json()) as T;
}

const chatCalls = async () =>
  Object.entries((await upstream<{ byPath: Record<string, number> }>('GET', 'stats')).byPath)
    .filter(([p]) => p.endsWith('/chat/completions'))
    .reduce((n, [, c]) => n + c, 0);

async function login(page: Page) {
  await signInWithMasterKey(page);
}

async function shot(page: Page, name: string, target?: Locator) {
  if (target) await target.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
  else {
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  }
}

const row = (page: Page): Locator => page.getByRole('row', { name: new RegExp(`^${NAME} `) });

let deploymentId: string | null = null;
let requireApiKeyBefore: string[] | null = null;

test.beforeAll(async () => {
  requireApiKeyBefore = (await upstream<{ requireApiKey: string[] | null }>('GET', 'config')).requireApiKey;
});

test.afterAll(async () => {
  // Every e2e test shares this upstream and the app: no probes and no refused key left behind.
  await upstream('POST', 'config', { requireApiKey: requireApiKeyBefore });
  if (deploymentId) await admin('DELETE', `/api/deployments/${deploymentId}`);
});

test('health checks turned on in the form show a failing upstream without traffic, then its recovery', async ({
  page,
}) => {
  await admin('POST', '/api/model-groups', { name: GROUP, numRetries: 0 });
  const created = await admin<{ id: string; probeIntervalSeconds: number | null }>(
    'POST',
    '/api/deployments',
    {
      name: NAME,
      modelGroup: GROUP,
      provider: 'openai-compatible',
      model: 'gpt-4o',
      apiBase: `http://127.0.0.1:${PORT}/v1`,
      apiKey: 'sk-probes-e2e-key-4242',
    },
  );
  deploymentId = created.id;
  expect(created.probeIntervalSeconds).toBeNull();

  await page.setViewportSize(WIDTHS.desktop);
  await login(page);
  await page.goto(`/deployments?modelGroup=${encodeURIComponent(GROUP)}`);
  const line = row(page);
  await expect(line).toBeVisible();
  await expect(line.getByTestId('last-probe')).toHaveCount(0);

  // --- the form: Health checks Off -> every 10 s, the free check
  await line.getByRole('button', { name: `Edit ${NAME}` }).click();
  const dialog = page.getByRole('dialog', { name: `Edit ${NAME}` });
  const checks = dialog.getByLabel('Health checks');
  await expect(checks).toHaveValue('off');
  await expect(dialog.getByLabel('Check every')).toHaveCount(0);
  await checks.selectOption('on');
  await dialog.getByLabel('Check every').fill('5');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByText(/at least 10/)).toBeVisible();
  // The refused save puts the cursor on the field to fix.
  await expect(dialog.getByLabel('Check every')).toBeFocused();
  await expect(dialog.getByLabel('Check every')).toHaveAttribute('aria-invalid', 'true');
  await dialog.getByLabel('Check every').fill('10');
  const mode = dialog.getByLabel('Check with');
  await expect(mode).toHaveValue('models');
  await expect(mode.locator('option', { hasText: 'billed' })).toHaveCount(1);
  await mode.scrollIntoViewIfNeeded();
  await shot(page, 'form-1280', dialog);
  await page.setViewportSize(WIDTHS.phone);
  await dialog.getByLabel('Check with').scrollIntoViewIfNeeded();
  await shot(page, 'form-390');
  await page.setViewportSize(WIDTHS.desktop);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();

  const saved = await admin<{ probeIntervalSeconds: number | null; probeMode: string }>(
    'GET',
    `/api/deployments/${deploymentId}`,
  );
  expect(saved).toMatchObject({ probeIntervalSeconds: 10, probeMode: 'models' });

  // --- the first probe answers: the row says so, with no request sent through the gateway
  const chatsBefore = await chatCalls();
  await expect(line.getByTestId('last-probe')).toContainText(/Probe: OK \d+ ms/, PROBE_WAIT);
  await expect(line.getByText('Healthy', { exact: true })).toBeVisible();

  // --- the upstream starts refusing the key: Credentials rejected, still without traffic
  await upstream('POST', 'config', { requireApiKey: 'sk-probes-e2e-other-key' });
  await expect(line.getByText('Credentials rejected', { exact: true })).toBeVisible(PROBE_WAIT);
  await expect(line.getByTestId('last-probe')).toContainText('Probe: HTTP 401');
  await expect(line).toContainText(/401 auth/);
  expect(await chatCalls()).toBe(chatsBefore);
  await shot(page, 'rejected-1280');
  await page.setViewportSize(WIDTHS.phone);
  await expect(line.getByText('Credentials rejected', { exact: true })).toBeVisible();
  await line.scrollIntoViewIfNeeded();
  await shot(page, 'rejected-390');
  await page.setViewportSize(WIDTHS.desktop);

  // --- the upstream takes the key again: the half-open probe puts it back, no traffic needed
  await upstream('POST', 'config', { requireApiKey: requireApiKeyBefore });
  await expect(line.getByText('Healthy', { exact: true })).toBeVisible(PROBE_WAIT);
  await expect(line.getByTestId('last-probe')).toContainText(/Probe: OK \d+ ms/);
  expect(await chatCalls()).toBe(chatsBefore);
  await shot(page, 'recovered-1280');
  await page.setViewportSize(WIDTHS.phone);
  await line.scrollIntoViewIfNeeded();
  await shot(page, 'recovered-390');
});
