import { expect, type Page } from '@playwright/test';
import { E2E } from './playwright.config';

/** Signs the page in with the master key (the login page's break-glass way in) and waits to leave /login. */
export async function signInWithMasterKey(page: Page): Promise<void> {
  await page.goto('/login');
  await page.getByRole('button', { name: 'Use the master key' }).click();
  await page.getByLabel('Master key', { exact: true }).fill(E2E.masterKey);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).not.toHaveURL(/\/login/);
}
