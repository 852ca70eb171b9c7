import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { E2E } from '../playwright.config';
import { signInWithMasterKey } from '../sign-in';

/**
 * The Overview filtered by key: the numbers narrow to that key, the top end users (the `user` field Dify
 * sends) are that key's, the filter survives a reload (it lives in the URL), and the breakdown tables
 * download as CSV with exactly the rows shown (an end user named like a formula arrives as text).
 * Screenshots at 1280 and 390 px go to e2e/artifacts/overview/.
 */
test.describe.configure({ mode: 'serial' });

const GROUP = 'overview-e2e-gpt-4o';
const ARTIFACTS = path.resolve(__dirname, '../artifacts/overview');
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

async function login(page: Page) {
  await signInWithMasterKey(page);
}

async function chat(key: string, user: string) {
  const res = await fetch(`${E2E.apiUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: GROUP, user, messages: [{ role: 'user', content: `hi from ${user}` }] }),
  });
  expect(res.status, await res.text()).toBe(200);
}

async function downloadFrom(page: Page, cardHeading: string): Promise<string[]> {
  const card = page.getByRole('region', { name: cardHeading, exact: true });
  const download = page.waitForEvent('download');
  await card.getByRole('button', { name: 'Download CSV' }).click();
  const csv = await readFile(await (await download).path(), 'utf8');
  return csv
    .replace(/^\ufeff/, '')
    .trim()
    .split('\r\n');
}

async function shot(page: Page, name: string) {
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

test('the Overview filtered by key shows that key’s numbers and end users, and downloads them as CSV', async ({
  page,
}) => {
  await admin('POST', '/api/model-groups', { name: GROUP });
  await admin('POST', '/api/deployments', {
    name: 'overview-e2e-upstream',
    modelGroup: GROUP,
    provider: 'openai-compatible',
    model: 'gpt-4o',
    apiBase: `http://127.0.0.1:${E2E.upstreamPorts[1]}/v1`,
    apiKey: 'sk-overview-e2e',
  });
  const project = await admin<{ id: string }>('POST', '/api/projects', { name: 'Overview e2e' });
  const issue = (alias: string) =>
    admin<{ id: string; key: string }>('POST', '/api/keys', { projectId: project.id, alias });
  const alpha = await issue('overview-alpha');
  const beta = await issue('overview-beta');

  for (let i = 0; i < 3; i++) await chat(alpha.key, 'alice@example.com');
  await chat(alpha.key, '=HYPERLINK("http://evil.test")');
  for (let i = 0; i < 2; i++) await chat(beta.key, 'bob@example.com');

  // The log writer batches rows: wait until the end users are counted.
  await expect(async () => {
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const body = await admin<{ requests: number }>(
      'GET',
      `/api/stats/end-users?from=${from}&to=${to}&projectId=${project.id}`,
    );
    expect(body.requests).toBe(6);
  }).toPass({ timeout: 20_000 });

  await login(page);
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Top end users' })).toBeVisible();
  const endUsers = page.getByRole('table', { name: 'Top end users' });
  await expect(endUsers.getByRole('row', { name: /bob@example\.com/ })).toBeVisible();

  // Filter by key: every card narrows to that key's 4 requests, and the choice is in the URL.
  await page.getByLabel('Key', { exact: true }).selectOption({ label: 'overview-alpha · Overview e2e' });
  await expect(page).toHaveURL(new RegExp(`keyId=${alpha.id}`));
  await expect(page.getByText('4 requests in total')).toBeVisible();
  await expect(endUsers.getByRole('row', { name: /alice@example\.com/ })).toContainText('3');
  await expect(endUsers.getByRole('row', { name: /bob@example\.com/ })).toHaveCount(0);
  const byKey = page.getByRole('table', { name: 'Requests by key' });
  await expect(byKey.getByRole('row', { name: /^overview-alpha / })).toBeVisible();
  await expect(byKey.getByRole('row', { name: /^overview-beta / })).toHaveCount(0);

  // A reload (or a shared link) keeps the filter.
  await page.reload();
  await expect(page.getByLabel('Key', { exact: true })).toHaveValue(alpha.id);
  await expect(page.getByText('4 requests in total')).toBeVisible();

  // The end users' CSV: the rows shown, the formula-like name neutralised with an apostrophe.
  const users = await downloadFrom(page, 'Top end users');
  expect(users[0]).toBe('End user,Requests,Share,Spend (USD),Tokens,Errors,Key count,Keys,From,To');
  expect(users).toHaveLength(3);
  expect(users[1]).toMatch(/^alice@example\.com,3,0\.75,[\d.e-]+,\d+,0,1,overview-alpha,/);
  expect(users[2]).toMatch(/^"'=HYPERLINK\(""http:\/\/evil\.test""\)",1,0\.25,/);

  // The key breakdown's CSV: the one key shown and the total row.
  const keys = await downloadFrom(page, 'Traffic by key');
  expect(keys[0]).toBe('Key,Id,Requests,Share,Errors,Latency p50 (ms),Latency p95 (ms),Tokens,Cost (USD)');
  expect(keys).toHaveLength(3);
  expect(keys[1]).toMatch(new RegExp(`^overview-alpha,${alpha.id},4,1,0,`));
  expect(keys[2]).toMatch(/^All keys,,4,1,0,/);

  await page.setViewportSize(WIDTHS.desktop);
  await shot(page, 'overview-filtered-1280');
  await page.setViewportSize(WIDTHS.phone);
  // Stacked rows at 390 px: the numbers are labelled and nothing scrolls sideways.
  await expect(endUsers.getByRole('row', { name: /alice@example\.com/ })).toBeVisible();
  const overflow = await page.evaluate(
    'document.documentElement.scrollWidth - document.documentElement.clientWidth',
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await shot(page, 'overview-filtered-390');
  for (const card of ['Traffic by key', 'Top end users'])
    await page
      .locator('section', { has: page.getByRole('heading', { name: card, exact: true }) })
      .screenshot({ path: path.join(ARTIFACTS, `${card.toLowerCase().replace(/ /g, '-')}-390.png`) });

  // Clear filters: back to every key.
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(page).not.toHaveURL(/keyId=/);
  await expect(endUsers.getByRole('row', { name: /bob@example\.com/ })).toBeVisible();
  await page.setViewportSize(WIDTHS.desktop);
});
