import path from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { E2E } from '../playwright.config';
import { signInWithMasterKey } from '../sign-in';

/**
 * The console's dialogs (Radix) and toasts (sonner): a dialog takes focus to its first field, closes
 * from its close button and gives focus back to what opened it; a dialog holding a secret ignores the
 * backdrop; a toast is shown in the "Notifications" region, survives the move to the next page and can
 * be dismissed.
 */
test.describe.configure({ mode: 'serial' });

const ARTIFACTS = path.resolve(__dirname, '..', 'artifacts', 'dialog-toast');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

let page: Page;

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage({ baseURL: E2E.webUrl, viewport: DESKTOP });
  await signInWithMasterKey(page);
});

test.afterAll(async () => {
  await page.close();
});

/** The element lies within the viewport's width. */
async function expectInsideViewport(locator: ReturnType<Page['locator']>) {
  const box = await locator.boundingBox();
  expect(box).not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(page.viewportSize()?.width ?? 0);
}

async function createProject(name: string) {
  const newProject = page.getByRole('button', { name: 'New project' }).first();
  await newProject.click();
  const form = page.getByRole('dialog', { name: 'New project' });
  await form.getByLabel('Project name').fill(name);
  await form.getByRole('button', { name: 'Create project' }).click();
  await expect(form).toBeHidden();
}

test('a dialog focuses its first field, closes from its button and hands focus back', async () => {
  await page.goto('/projects');
  const newProject = page.getByRole('button', { name: 'New project' }).first();
  const form = page.getByRole('dialog', { name: 'New project' });

  await newProject.click();
  await expect(form.getByLabel('Project name')).toBeFocused();
  await expectInsideViewport(form);
  await page.screenshot({ path: path.join(ARTIFACTS, 'dialog-1280.png') });
  await page.setViewportSize(PHONE);
  await expectInsideViewport(form);
  await page.screenshot({ path: path.join(ARTIFACTS, 'dialog-390.png') });
  await page.setViewportSize(DESKTOP);

  // Tab stays inside the dialog.
  for (let i = 0; i < 8; i++) await page.keyboard.press('Tab');
  await expect(form.locator(':focus')).toHaveCount(1);

  await form.getByRole('button', { name: 'Close dialog' }).click();
  await expect(form).toBeHidden();
  await expect(newProject).toBeFocused();
});

test('a toast says what happened, stays up on the next page and can be dismissed', async () => {
  await page.goto('/projects');
  await createProject('Toast e2e project');
  // The form moves on to the new project's page; the toast comes along.
  await expect(page).toHaveURL(/\/projects\/[^/]+$/);
  const notifications = page.getByRole('region', { name: 'Notifications' });
  const created = notifications.getByRole('listitem').filter({ hasText: 'Project created' });
  await expect(created).toBeVisible();
  await expect(created).toContainText('Issue a key for “Toast e2e project” to start sending requests.');
  // Hovering holds it up while the picture is taken.
  await created.hover();
  await expectInsideViewport(created);
  await page.screenshot({ path: path.join(ARTIFACTS, 'toast-1280.png') });
  await created.getByRole('button', { name: 'Dismiss notification' }).click();
  await expect(created).toBeHidden();

  await page.setViewportSize(PHONE);
  await page.goto('/projects');
  await createProject('Toast e2e phone project');
  const phoneToast = notifications.getByRole('listitem').filter({ hasText: 'Toast e2e phone project' });
  await expect(phoneToast).toBeVisible();
  await phoneToast.hover();
  await expectInsideViewport(phoneToast);
  await page.screenshot({ path: path.join(ARTIFACTS, 'toast-390.png') });
  await page.setViewportSize(DESKTOP);
});

test('a dialog showing a secret once ignores a backdrop click', async () => {
  await page.getByRole('button', { name: 'Issue key' }).first().click();
  const issue = page.getByRole('dialog', { name: 'Issue key' });
  await issue.getByLabel('Alias').fill('dialog-e2e-key');
  await issue.getByRole('button', { name: 'Create key' }).click();
  const secret = page.getByRole('dialog', { name: 'Key created' });
  await expect(secret).toBeVisible();
  // The secret's dialog takes the focus on its copy button (not on Done, which Enter would press and
  // throw the secret away), not on the page behind.
  await expect(secret.getByRole('button', { name: 'Copy API key' })).toBeFocused();

  await page.mouse.click(4, 400);
  await expect(secret).toBeVisible();
  await secret.getByRole('button', { name: 'Done' }).click();
  await expect(secret).toBeHidden();
  // Back where the operator started.
  await expect(page.getByRole('button', { name: 'Issue key' }).first()).toBeFocused();
  await expect(page.getByRole('article', { name: 'dialog-e2e-key' })).toBeVisible();
});
