import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { E2E } from '../playwright.config';
import { signInWithMasterKey } from '../sign-in';

/**
 * Alerts end to end: a channel pointing at a webhook receiver started here gets "Send test"; a
 * deployment.cooldown rule fires when a deployment's upstream fails and it is benched, and the firing alert
 * reaches the receiver and the history.
 */
test.describe.configure({ mode: 'serial' });

const GROUP = 'alerts-e2e-group';
const DEPLOYMENT = 'alerts-e2e-primary';
const PORT = E2E.upstreamPorts[2]!;
const ARTIFACTS = path.join(__dirname, '..', 'artifacts', 'alerts');
const WIDTHS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };

interface Received {
  path: string;
  body: Record<string, any>;
}

/** A local webhook receiver (127.0.0.1, a free port) recording what it gets. */
async function startReceiver(): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null'),
      });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

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
  const text = await res.text();
  return (text ? JSON.parse(text) : null) as T;
}

async function configureUpstream(settings: Record<string, unknown>) {
  const res = await fetch(`http://127.0.0.1:${PORT}/_fake/config`, {
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
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let deploymentId = '';

test.beforeAll(async () => {
  receiver = await startReceiver();
});

test.afterAll(async () => {
  // The upstreams and the app are shared with every other test: leave them as found.
  await configureUpstream({ requireApiKey: null });
  const rules = await admin<{ data: { id: string; name: string }[] }>('GET', '/api/alerts/rules');
  for (const r of rules.data.filter((x) => x.name === 'e2e primary benched')) {
    await admin('DELETE', `/api/alerts/rules/${r.id}`);
  }
  if (deploymentId) await admin('POST', `/api/deployments/${deploymentId}/reset`);
  await receiver?.close();
});

test('a channel gets "Send test"; a cooldown rule fires when the deployment is benched', async ({ page }) => {
  await admin('POST', '/api/model-groups', {
    name: GROUP,
    numRetries: 0,
    allowedFails: 1,
    cooldownSeconds: 300,
  });
  deploymentId = (
    await admin<{ id: string }>('POST', '/api/deployments', {
      name: DEPLOYMENT,
      modelGroup: GROUP,
      provider: 'openai-compatible',
      model: 'gpt-4o',
      apiBase: `http://127.0.0.1:${PORT}/v1`,
      apiKey: 'sk-alerts-e2e',
    })
  ).id;

  await login(page);
  await page.goto('/alerts');
  await expect(page.getByRole('heading', { name: 'Alerts', level: 1 })).toBeVisible();
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Alerts' })).toBeVisible();

  // --- a channel pointing at the receiver; the URL is shown as a hint only
  await page.getByRole('button', { name: 'Add channel' }).first().click();
  const channelDialog = page.getByRole('dialog', { name: 'Add an alert channel' });
  await channelDialog.getByLabel('Name').fill('e2e-hook');
  await channelDialog.getByLabel('Webhook URL').fill(`${receiver.url}/hooks/e2e-secret-path-WXYZ`);
  await channelDialog.getByRole('button', { name: 'Add channel' }).click();
  await expect(channelDialog).toBeHidden();
  const channels = page.getByRole('list', { name: 'Alert channels' });
  await expect(channels).toContainText('e2e-hook');
  await expect(channels).toContainText(`${receiver.url}/…WXYZ`);
  await expect(page.locator('body')).not.toContainText('e2e-secret-path');

  // --- Send test: the result inline, the receiver got it, the history has it
  await channels.getByRole('button', { name: 'Send test to e2e-hook' }).click();
  await expect(channels.getByText('Test delivered')).toBeVisible();
  await expect(channels).toContainText('HTTP 200');
  expect(receiver.received).toHaveLength(1);
  expect(receiver.received[0]).toMatchObject({
    path: '/hooks/e2e-secret-path-WXYZ',
    body: {
      event: 'switchboard.alert',
      state: 'test',
      message: expect.stringContaining('[Switchboard] TEST'),
    },
  });
  const history = page.getByRole('table', { name: 'Alert history' });
  await expect(history.getByRole('row').filter({ hasText: 'e2e-hook' }).first()).toContainText('test');
  await expect(history.getByRole('row').filter({ hasText: 'e2e-hook' }).first()).toContainText('delivered');

  // --- a rule: the deployment cooling down, sent to the channel
  await page.getByRole('button', { name: 'Add rule' }).first().click();
  const ruleDialog = page.getByRole('dialog', { name: 'Add an alert rule' });
  await ruleDialog.getByLabel('Name').fill('e2e primary benched');
  await ruleDialog.getByLabel('Condition').selectOption({ label: 'Deployment cooling down' });
  await ruleDialog.getByLabel('Watch').selectOption({ label: `${DEPLOYMENT} (${GROUP})` });
  await expect(ruleDialog.getByRole('checkbox', { name: /e2e-hook/ })).toBeChecked();
  await ruleDialog.getByRole('button', { name: 'Add rule' }).click();
  await expect(ruleDialog).toBeHidden();
  const rules = page.getByRole('list', { name: 'Alert rules' });
  await expect(rules).toContainText('e2e primary benched');
  await expect(rules).toContainText(`Watches ${DEPLOYMENT}`);
  await shot(page, 'alerts-1280-ready');

  // --- the upstream refuses the deployment's key (its health probes too): benched, and the alert fires
  await configureUpstream({ requireApiKey: 'sk-not-the-deployments-key' });
  await expect(async () => {
    await fetch(`${E2E.apiUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${E2E.masterKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: GROUP, messages: [{ role: 'user', content: 'hi' }] }),
    });
    const d = await admin<{ state: { status: string } }>('GET', `/api/deployments/${deploymentId}`);
    expect(d.state.status).toBe('cooling_down');
  }).toPass({ timeout: 15_000 });

  await expect
    .poll(() => receiver.received.filter((r) => r.body.state === 'firing').length, { timeout: 15_000 })
    .toBe(1);
  expect(receiver.received.find((r) => r.body.state === 'firing')!.body).toMatchObject({
    rule: { name: 'e2e primary benched', kind: 'deployment.cooldown' },
    subject: { type: 'deployment', id: deploymentId, name: DEPLOYMENT },
    message: `[Switchboard] FIRING rule "e2e primary benched": Deployment "${DEPLOYMENT}" is cooling down`,
  });
  const firingRow = history.getByRole('row').filter({ hasText: 'e2e primary benched' }).first();
  await expect(firingRow).toContainText('firing');
  await expect(firingRow).toContainText(DEPLOYMENT);
  await expect(firingRow).toContainText('delivered');
  await expect(rules).toContainText(`Firing for ${DEPLOYMENT}`);
  await shot(page, 'alerts-1280-firing');

  // --- at 390 px every action is still there
  await page.setViewportSize(WIDTHS.phone);
  await expect(channels.getByRole('button', { name: 'Send test to e2e-hook' })).toBeVisible();
  await expect(rules.getByRole('button', { name: 'Edit rule e2e primary benched' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Add rule' }).first()).toBeVisible();
  const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
  expect(overflow).toBeLessThanOrEqual(0);
  await shot(page, 'alerts-390-firing');
  await page.getByRole('button', { name: 'Edit rule e2e primary benched' }).click();
  await expect(page.getByRole('dialog', { name: 'Edit rule e2e primary benched' })).toBeVisible();
  await shot(page, 'alerts-390-rule-dialog');
  await page.keyboard.press('Escape');
  await page.setViewportSize(WIDTHS.desktop);
});
