import path from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { type FakeUpstream, startFakeUpstream } from '../../apps/fake-upstream/src';
import { E2E } from '../playwright.config';
import { signInWithMasterKey } from '../sign-in';

/**
 * Stored request and response bodies: an operator turns storage on in a project's form (with its size cap,
 * retention and personal-data warning), a request is sent with that project's key, and its log detail shows
 * both bodies with the secret in the message redacted. Screenshots at 1280 and 390 px go to
 * e2e/artifacts/log-bodies/.
 */
test.describe.configure({ mode: 'serial' });

const ARTIFACTS = path.resolve(__dirname, '..', 'artifacts', 'log-bodies');
const HIDE_TOASTS = 'section[aria-label="Notifications"] { display: none !important; }';
const GROUP = 'log-bodies-gpt';
const SECRET = 'sk-proj-e2eBodySecret0123456789abcdef';

let upstream: FakeUpstream;
let project: { id: string; name: string };
let key: string;
let otherKey: string;

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

async function shot(page: Page, name: string) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true, style: HIDE_TOASTS });
}

/** The log id of a request, once the batched writer has written it. */
async function logIdOf(requestId: string): Promise<string> {
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
  upstream = await startFakeUpstream({ name: 'bodies', host: '127.0.0.1', completionTokens: 12 });
  await admin('POST', '/api/model-groups', { name: GROUP });
  await admin('POST', '/api/deployments', {
    name: `${GROUP}-a`,
    modelGroup: GROUP,
    provider: 'openai-compatible',
    model: 'gpt-4.1-mini',
    apiBase: upstream.url,
    apiKey: 'sk-log-bodies',
  });
  project = await admin('POST', '/api/projects', { name: `Body logging ${Date.now().toString(36)}` });
  key = (await admin<{ key: string }>('POST', '/api/keys', { projectId: project.id, alias: 'bodies' })).key;
  const other = await admin<{ id: string }>('POST', '/api/projects', {
    name: `No body logging ${Date.now().toString(36)}`,
  });
  otherKey = (await admin<{ key: string }>('POST', '/api/keys', { projectId: other.id })).key;
});

test.afterAll(async () => {
  await upstream?.close();
});

test('an operator turns on body storage and reads a redacted request and its answer in the log detail', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await login(page);

  // --- the project form: off by default, a warning when turned on, size and retention checked
  await page.goto(`/projects/${project.id}`);
  await expect(page.getByText('Not stored')).toBeVisible();
  await page.getByRole('button', { name: 'Edit project', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit project' });
  const toggle = dialog.getByRole('switch', { name: 'Store request and response bodies' });
  await expect(toggle).toHaveAttribute('aria-checked', 'false');
  await toggle.click();
  await expect(dialog.getByText('Bodies may contain personal data')).toBeVisible();
  const size = dialog.getByLabel('Max size per body (KB)');
  await expect(size).toHaveValue('32');
  await dialog.getByLabel('Keep bodies for (days)').fill('3');
  await size.fill('16');
  await shot(page, 'project-form-1280');
  await size.fill('2000');
  await dialog.getByRole('button', { name: 'Save changes' }).click();
  await expect(dialog.getByText('Enter a whole number of KB from 1 to 1024.')).toBeVisible();
  await size.fill('16');
  await dialog.getByRole('button', { name: 'Save changes' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText('up to 16 KB, 3 days')).toBeVisible();
  const saved = await admin<{ storeBodies: boolean; bodyMaxBytes: number; bodyRetentionDays: number }>(
    'GET',
    `/api/projects/${project.id}`,
  );
  expect(saved).toMatchObject({ storeBodies: true, bodyMaxBytes: 16 * 1024, bodyRetentionDays: 3 });

  // --- a request with that project's key, a secret in its message and an api_key field
  const res = await fetch(`${E2E.apiUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: GROUP,
      api_key: 'do-not-store-this-value',
      messages: [{ role: 'user', content: `Please summarise. My key is ${SECRET}.` }],
    }),
  });
  expect(res.status, await res.text()).toBe(200);
  const id = await logIdOf(res.headers.get('x-request-id')!);

  await page.goto(`/logs/${id}`);
  const card = page.getByRole('region', { name: 'Request and response bodies' });
  await expect(card).toBeVisible();
  const request = card.getByRole('region', { name: 'Request body' });
  const response = card.getByRole('region', { name: 'Response body' });
  await expect(request).toContainText('"api_key": "[redacted]"');
  await expect(request).toContainText('My key is sk-[redacted].');
  await expect(request).not.toContainText(SECRET);
  await expect(request).not.toContainText('do-not-store-this-value');
  await expect(response).toContainText('Hello from bodies.');
  await expect(response).toContainText('"object": "chat.completion"');
  await expect(card.getByRole('button', { name: 'Copy request body' })).toBeVisible();
  // Each body folds away and opens again.
  await card.getByText('Request', { exact: true }).click();
  await expect(request).toBeHidden();
  await card.getByText('Request', { exact: true }).click();
  await expect(request).toBeVisible();
  await shot(page, 'log-detail-1280');

  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(
    'document.documentElement.scrollWidth - document.documentElement.clientWidth',
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await shot(page, 'log-detail-390');

  // A request of a project that does not keep bodies says so.
  await page.setViewportSize({ width: 1280, height: 800 });
  const other = await fetch(`${E2E.apiUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${otherKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: GROUP, messages: [{ role: 'user', content: 'no bodies' }] }),
  });
  expect(other.status).toBe(200);
  await page.goto(`/logs/${await logIdOf(other.headers.get('x-request-id')!)}`);
  await expect(page.getByText('Bodies are not stored for this project.')).toBeVisible();

  // The project form at 390 px: every control reachable.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/projects/${project.id}`);
  await page.getByRole('button', { name: 'Edit project', exact: true }).click();
  await expect(
    page.getByRole('dialog', { name: 'Edit project' }).getByText('Bodies may contain personal data'),
  ).toBeVisible();
  await shot(page, 'project-form-390');
  expect(errors).toEqual([]);
});
