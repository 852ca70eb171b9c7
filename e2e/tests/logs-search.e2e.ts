import { readFile } from 'node:fs/promises';
import { expect, type Page, test } from '@playwright/test';
import { E2E } from '../playwright.config';
import { signInWithMasterKey } from '../sign-in';

/** Logs found by text in the error and by request id, and the filtered range downloaded as CSV. */
async function login(page: Page) {
  await signInWithMasterKey(page);
}

test('an operator finds a failed request by its error text and its id, and exports it', async ({ page }) => {
  const missing = `logs-e2e-missing-${Date.now().toString(36)}`;
  const res = await fetch(`${E2E.apiUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${E2E.masterKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: missing, messages: [{ role: 'user', content: 'hi' }] }),
  });
  expect(res.status).toBe(404);
  const requestId = res.headers.get('x-request-id')!;
  expect(requestId).toBeTruthy();

  await login(page);
  await page.goto('/logs');
  const table = page.getByRole('table');
  // The log writer batches rows: the search finds the request once it is written.
  await expect(async () => {
    await page.goto(`/logs?q=${encodeURIComponent(missing)}`);
    await expect(table.getByRole('row')).toHaveCount(2, { timeout: 2_000 });
  }).toPass({ timeout: 20_000 });

  // The same through the form: error text, applied on Enter.
  await page.goto('/logs');
  const errorText = page.getByLabel('Error text');
  await errorText.fill(missing.toUpperCase());
  await errorText.press('Enter');
  await expect(page).toHaveURL(new RegExp(`q=${missing.toUpperCase()}`));
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(table.getByText('404')).toBeVisible();

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export CSV' }).click();
  const file = await (await download).path();
  const csv = await readFile(file, 'utf8');
  const lines = csv.trim().split('\r\n');
  expect(lines[0]).toMatch(/^createdAt,requestId,route,status,/);
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain(requestId);
  expect(lines[1]).toContain(missing);

  await page.getByRole('button', { name: 'Reset filters' }).click();
  const byId = page.getByLabel('Request id');
  await byId.fill(requestId);
  await byId.press('Enter');
  await expect(table.getByRole('row')).toHaveCount(2);
});
