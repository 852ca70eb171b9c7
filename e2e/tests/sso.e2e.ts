import { expect, test } from '@playwright/test';

/**
 * Single sign-on through the in-process OpenID Connect provider (global-setup.ts): the login page's button,
 * the provider's sign-in form, and back into the console as an operator (the `groups` claim maps to it).
 */
test('signs in through the OpenID Connect provider with the role its claim maps to', async ({ page }) => {
  await page.goto('/login');
  await page.getByRole('link', { name: /Example SSO/ }).click();
  await expect(page).toHaveURL(/127\.0\.0\.1:4405\/interaction\//);
  await page.getByLabel('Email').fill('sam@example.com');
  await page.getByRole('button', { name: 'Continue' }).click();

  await expect(page).not.toHaveURL(/\/login|4405/);
  await expect(page.getByRole('banner').getByText('Sam SSO')).toBeVisible();
  const nav = page.getByRole('navigation');
  await expect(nav.getByRole('link', { name: 'Deployments' })).toBeVisible();
  // An operator: no account management.
  await expect(nav.getByRole('link', { name: 'Accounts' })).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath('sso-operator.png'), fullPage: true });
});

test('someone from a domain that is not allowed comes back to the login page with the reason', async ({
  page,
}) => {
  await page.goto('/login');
  await page.getByRole('link', { name: /Example SSO/ }).click();
  await page.getByLabel('Email').fill('mallory@elsewhere.test');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(/\/login\?error=sso_domain_not_allowed/);
  await expect(page.getByText(/single sign-on failed/i)).toBeVisible();
  await expect(page.getByRole('navigation')).toHaveCount(0);
});
