import path from 'node:path';
import { expect, type APIRequestContext, type Locator, type Page, test } from '@playwright/test';
import { E2E } from '../playwright.config';
import { signInWithMasterKey } from '../sign-in';

/**
 * An operator gives a key a per-end-user limit in the console (Dify's `user` field): the same end user's
 * second request in a minute is refused by the gateway while the key keeps serving others, and the key's
 * card shows the limits. The form at 1280 px and 390 px goes to e2e/artifacts/key-end-user-limits/.
 */
test.describe.configure({ mode: 'serial' });

const ARTIFACTS = path.resolve(__dirname, '..', 'artifacts', 'key-end-user-limits');
const admin = { authorization: `Bearer ${E2E.masterKey}` };
const GROUP = 'end-user-limits-mini';
const HIDE_TOASTS = 'section[aria-label="Notifications"] { display: none !important; }';
const WIDTHS = { 1280: { width: 1280, height: 800 }, 390: { width: 390, height: 844 } };

async function login(page: Page) {
  await signInWithMasterKey(page);
}

async function post(request: APIRequestContext, url: string, data: unknown): Promise<{ id: string }> {
  const res = await request.post(`${E2E.apiUrl}${url}`, { data, headers: admin });
  expect(res.status(), `${url}: ${await res.text()}`).toBe(201);
  return (await res.json()) as { id: string };
}

/** One chat request as a Dify app sends it for end user `user`; the status and the error code. */
async function chatAs(secret: string, user: string): Promise<{ status: number; code: string | null }> {
  const res = await fetch(`${E2E.apiUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: GROUP, stream: false, user, messages: [{ role: 'user', content: 'hi' }] }),
  });
  const body = (await res.json()) as { error?: { code: string } };
  return { status: res.status, code: body.error?.code ?? null };
}

/** The page does not scroll sideways, and `target` lies wholly inside the window's width. */
async function expectWithinWidth(page: Page, target: Locator) {
  const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
  expect(overflow).toBeLessThanOrEqual(0);
  await target.scrollIntoViewIfNeeded();
  const box = await target.boundingBox();
  const width = page.viewportSize()?.width ?? 0;
  expect(box).not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(width);
}

test('an operator limits each end user of a key; the second request of one end user is refused', async ({
  page,
  request,
}) => {
  await post(request, '/api/deployments', {
    name: 'end-user-limits-0',
    modelGroup: GROUP,
    provider: 'openai-compatible',
    model: 'gpt-4o-mini',
    apiBase: `http://127.0.0.1:${E2E.upstreamPorts[0]}/v1`,
    apiKey: 'sk-upstream-end-users',
  });
  const project = await post(request, '/api/projects', { name: 'End-user limits e2e' });

  await login(page);
  await page.goto(`/projects/${project.id}`);
  await page.getByRole('button', { name: 'Issue key' }).first().click();
  const issue = page.getByRole('dialog', { name: 'Issue key' });
  await issue.getByLabel('Alias').fill('dify-public-app');
  const issued = page.waitForResponse(
    (r) => r.request().method() === 'POST' && r.url().endsWith('/api/keys'),
  );
  await issue.getByRole('button', { name: 'Create key' }).click();
  const created = (await (await issued).json()) as { id: string };
  const secret = (
    (await page.getByRole('region', { name: 'Connect Dify' }).locator('code').first().textContent()) ?? ''
  ).trim();
  expect(secret).toMatch(/^sk-sb-/);
  await page.getByRole('button', { name: 'Done' }).click();

  const card = page.getByRole('article', { name: 'dify-public-app' });
  await expect(card).not.toContainText('Per end user');

  // --- edit: one request per minute and $2 a day for each end user
  await card.getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit “dify-public-app”' });
  await expect(edit).toContainText('Dify sends each end user');
  await edit.getByLabel('Per end user: requests per minute').fill('1');
  await edit.getByLabel('Per end user: daily budget (USD)').fill('2');
  for (const [width, size] of Object.entries(WIDTHS)) {
    await page.setViewportSize(size);
    await expectWithinWidth(page, edit.getByLabel('Per end user: daily budget (USD)'));
    await expectWithinWidth(page, edit.getByRole('button', { name: 'Save changes' }));
    await edit.getByLabel('Per end user: requests per minute').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, `key-form-${width}.png`) });
  }
  // A limit of 0 is refused next to its field (the shared contract's rule), before anything is sent.
  await edit.getByLabel('Per end user: requests per minute').fill('0');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit.getByLabel('Per end user: requests per minute')).toHaveAttribute('aria-invalid', 'true');
  await edit.getByLabel('Per end user: requests per minute').fill('1');
  await page.setViewportSize(WIDTHS[1280]);
  const patched = page.waitForRequest(
    (r) => r.method() === 'PATCH' && r.url().endsWith(`/api/keys/${created.id}`),
  );
  await edit.getByRole('button', { name: 'Save changes' }).click();
  expect((await patched).postDataJSON()).toEqual({ endUserRpmLimit: 1, endUserDailyBudgetUsd: 2 });
  await expect(edit).toBeHidden();

  // --- the key's card shows the limits, at both widths
  await expect(card).toContainText('Per end user');
  await expect(card).toContainText('1 req/min');
  await expect(card).toContainText('$2.00/day');
  for (const [width, size] of Object.entries(WIDTHS)) {
    await page.setViewportSize(size);
    await expectWithinWidth(page, card.getByText('Per end user'));
    await card.getByText('Per end user').scrollIntoViewIfNeeded();
    await page.screenshot({
      path: path.join(ARTIFACTS, `key-card-${width}.png`),
      fullPage: true,
      style: HIDE_TOASTS,
    });
  }
  await page.setViewportSize(WIDTHS[1280]);

  // --- the gateway: the same end user twice in a minute, then another end user
  // Windows are calendar minutes: do not straddle a boundary.
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 5_000) await page.waitForTimeout(left + 100);
  expect(await chatAs(secret, 'dify-user-a')).toEqual({ status: 200, code: null });
  expect(await chatAs(secret, 'dify-user-a')).toEqual({ status: 429, code: 'end_user_rate_limit_exceeded' });
  expect(await chatAs(secret, 'dify-user-b')).toEqual({ status: 200, code: null });
});
