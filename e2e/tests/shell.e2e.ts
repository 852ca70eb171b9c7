import { expect, test } from '@playwright/test';
import { E2E } from '../playwright.config';

test('the login page loads and the master key opens the console', async ({ page }, info) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login/);
  // Accounts are the day-to-day way in; the master key is the break-glass link below the form.
  await page.getByRole('button', { name: 'Use the master key' }).click();
  await page.getByLabel('Master key', { exact: true }).fill('not-the-key');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByText(/wrong master key/i)).toBeVisible();
  await page.screenshot({ path: info.outputPath('login.png'), fullPage: true });

  await page.getByLabel('Master key', { exact: true }).fill(E2E.masterKey);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).not.toHaveURL(/\/login/);
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Deployments' })).toBeVisible();

  await page.getByRole('button', { name: /sign out/i }).click();
  await expect(page).toHaveURL(/\/login/);
});

test('the login page asks who is signed in without logging an error', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  const probe = page.waitForResponse((res) => new URL(res.url()).pathname === '/api/auth/session');

  await page.goto('/login');
  const answer = await probe;
  // Signed out is an answer, not a failed request (a 401 here is logged by the browser on every visit).
  expect(answer.status()).toBe(200);
  expect(await answer.json()).toEqual({ authenticated: false });
  await expect(page.getByRole('button', { name: 'Use the master key' })).toBeVisible();
  expect(errors).toEqual([]);
});
