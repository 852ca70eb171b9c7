import { expect, type Page, test } from '@playwright/test';
import { E2E } from '../playwright.config';

/**
 * Operator accounts in the console: the first admin is created with the master key, invites a viewer
 * through a one-time link, and the viewer signs in with a password and finds nothing to edit.
 */
test.describe.configure({ mode: 'serial' });

const ADMIN = { email: 'ada@example.com', name: 'Ada Admin', password: 'correct horse battery staple' };
const VIEWER = { email: 'vic@example.com', name: 'Vic Viewer', password: 'viewer passphrase 2026' };

async function signInWithPassword(page: Page, email: string, password: string) {
  await page.goto('/login');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(/\/login/);
}

test('the first admin is created with the master key and signs in with a password', async ({ page }) => {
  await page.goto('/login');
  await expect(page.getByRole('heading', { name: 'Create the first admin' })).toBeVisible();
  await page.getByLabel('Email', { exact: true }).fill(ADMIN.email);
  await page.getByLabel('Display name', { exact: true }).fill(ADMIN.name);
  await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
  await page.getByLabel('Confirm password', { exact: true }).fill(ADMIN.password);
  await page.getByLabel('Master key', { exact: true }).fill(E2E.masterKey);
  await page.getByRole('button', { name: 'Create admin and sign in' }).click();
  await expect(page).not.toHaveURL(/\/login/);
  await expect(page.getByRole('banner').getByText(ADMIN.name)).toBeVisible();
  await signOut(page);

  // From now on the login page asks for an email and password.
  await page.getByLabel('Email', { exact: true }).fill(ADMIN.email);
  await page.getByLabel('Password', { exact: true }).fill('not the password at all');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByText(/wrong email or password/i)).toBeVisible();
  await signInWithPassword(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole('navigation').getByRole('link', { name: 'Accounts' })).toBeVisible();
});

test('an admin invites a viewer, who sets a password and sees no edit buttons', async ({ page, request }) => {
  // Something to look at (and not edit): a model group and a project, made with the master key.
  const admin = { authorization: `Bearer ${E2E.masterKey}` };
  for (const [path, name] of [
    ['/api/model-groups', 'viewer-visible-group'],
    ['/api/projects', 'viewer-visible-project'],
  ] as const) {
    const res = await request.post(`${E2E.apiUrl}${path}`, { data: { name }, headers: admin });
    expect(res.status()).toBe(201);
  }
  await signInWithPassword(page, ADMIN.email, ADMIN.password);
  await page.getByRole('navigation').getByRole('link', { name: 'Accounts' }).click();
  await page.getByRole('button', { name: 'Invite' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Email', { exact: true }).fill(VIEWER.email);
  await dialog.getByLabel('Name', { exact: true }).fill(VIEWER.name);
  await dialog.getByLabel('Role', { exact: true }).selectOption('viewer');
  await dialog.getByRole('button', { name: 'Create account' }).click();
  const link = (await dialog.locator('code').innerText()).trim();
  expect(link).toMatch(/\/set-password\?token=/);
  await page.keyboard.press('Escape');
  await expect(page.getByRole('row', { name: new RegExp(VIEWER.email) })).toBeVisible();
  await signOut(page);

  await page.goto(link);
  await page.getByLabel('New password', { exact: true }).fill(VIEWER.password);
  await page.getByLabel('Confirm password', { exact: true }).fill(VIEWER.password);
  await page.getByRole('button', { name: /set password/i }).click();
  await expect(page).toHaveURL(/\/login/);
  await signInWithPassword(page, VIEWER.email, VIEWER.password);

  const nav = page.getByRole('navigation');
  await expect(nav.getByRole('link', { name: 'Deployments' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Accounts' })).toHaveCount(0);
  await expect(nav.getByRole('link', { name: 'Import' })).toHaveCount(0);

  await nav.getByRole('link', { name: 'Deployments' }).click();
  await expect(page.getByRole('heading', { name: 'Deployments', level: 1 })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Add deployment' })).toHaveCount(0);
  await nav.getByRole('link', { name: 'Model groups' }).click();
  await expect(page.getByRole('heading', { name: 'Model groups', level: 1 })).toBeVisible();
  await expect(page.getByText('viewer-visible-group')).toBeVisible();
  await expect(page.getByRole('button', { name: /create group|delete/i })).toHaveCount(0);
  await nav.getByRole('link', { name: /projects/i }).click();
  await expect(page.getByText('viewer-visible-project')).toBeVisible();
  await expect(page.getByRole('button', { name: /new project|edit|delete|issue key/i })).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath('viewer-projects.png'), fullPage: true });

  // The API refuses it anyway: the viewer's session cannot create a project.
  const refused = await page.request.post('/api/projects', {
    data: { name: 'sneaky' },
    headers: { 'x-switchboard-csrf': '1' },
  });
  expect(refused.status()).toBe(403);

  // My account: the viewer changes their own password and signs in with the new one.
  await page.goto('/account');
  await page.getByLabel('Current password', { exact: true }).fill(VIEWER.password);
  await page.getByLabel('New password', { exact: true }).fill(`${VIEWER.password} v2`);
  await page.getByLabel('Confirm new password', { exact: true }).fill(`${VIEWER.password} v2`);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('Password changed')).toBeVisible();
  await page.getByRole('button', { name: 'Sign out everywhere' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect(page).toHaveURL(/\/login/);
  await signInWithPassword(page, VIEWER.email, `${VIEWER.password} v2`);
});
