import path from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { E2E } from '../playwright.config';
import { signInWithMasterKey } from '../sign-in';

/**
 * Unsaved edits are never lost silently: leaving the routing editor with edits (a link, Back, closing
 * the tab) asks first, and a form dialog with something typed asks before Escape, Cancel or a backdrop
 * click throws it away.
 */
test.describe.configure({ mode: 'serial' });

const ARTIFACTS = path.resolve(__dirname, '..', 'artifacts', 'unsaved-changes');
const GROUP = 'unsaved-routing-group';
const EDITOR_PATH = `/model-groups/${GROUP}`;
const WEIGHT = 'Weight of unsaved-upstream-1';

async function admin<T>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(`${E2E.apiUrl}${url}`, {
    method,
    headers: { authorization: `Bearer ${E2E.masterKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status, `${method} ${url}`).toBeLessThan(300);
  return (await res.json()) as T;
}

let page: Page;

test.beforeAll(async ({ browser }) => {
  for (const [i, port] of E2E.upstreamPorts.slice(0, 2).entries()) {
    await admin('POST', '/api/deployments', {
      name: `unsaved-upstream-${i + 1}`,
      modelGroup: GROUP,
      provider: 'openai-compatible',
      model: 'gpt-4.1',
      apiBase: `http://127.0.0.1:${port}/v1`,
      apiKey: `sk-unsaved-upstream-${i + 1}`,
      weight: 1,
    });
  }
  page = await browser.newPage({ baseURL: E2E.webUrl });
  await signInWithMasterKey(page);
});

test.afterAll(async () => {
  await page.close();
});

/** Into the editor the way an operator gets there: from the list, without reloading the app. */
async function openEditor() {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Model groups' }).click();
  await page.getByRole('link', { name: `Edit routing of ${GROUP}` }).click();
  await expect(page).toHaveURL(EDITOR_PATH);
  await expect(page.getByLabel(WEIGHT)).toHaveValue('1');
}

async function editWeight(value: string) {
  await page.getByLabel(WEIGHT).fill(value);
  await expect(page.getByText('Unsaved changes: nothing is applied until you save.')).toBeVisible();
}

function leavePrompt() {
  return page.getByRole('alertdialog', { name: 'Leave without saving?' });
}

test('leaving the routing editor with unsaved edits asks first', async () => {
  await page.goto('/');
  await openEditor();
  await editWeight('3');

  // A link in the app: the prompt, and "Stay" keeps the edits where they were.
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Logs' }).click();
  await expect(leavePrompt()).toBeVisible();
  await expect(leavePrompt()).toContainText('You have unsaved routing changes');
  // The consequences are the question's accessible description, read with its title.
  await expect(leavePrompt()).toHaveAccessibleDescription(/You have unsaved routing changes/);
  await leavePrompt().getByRole('button', { name: 'Stay on this page' }).click();
  await expect(leavePrompt()).toBeHidden();
  await expect(page).toHaveURL(EDITOR_PATH);
  await expect(page.getByLabel(WEIGHT)).toHaveValue('3');

  // The browser's Back button: the same question; staying keeps the edits, twice over.
  for (let i = 0; i < 2; i++) {
    await page.goBack();
    await expect(leavePrompt()).toBeVisible();
    await expect(page).toHaveURL(EDITOR_PATH);
    await leavePrompt().getByRole('button', { name: 'Stay on this page' }).click();
    await expect(leavePrompt()).toBeHidden();
    await expect(page.getByLabel(WEIGHT)).toHaveValue('3');
  }

  // Reloading (or closing) the tab: the browser's own dialog, which can keep the page and the edits.
  const unload = page.waitForEvent('dialog');
  await page.evaluate('setTimeout(() => window.location.reload())');
  const dialog = await unload;
  expect(dialog.type()).toBe('beforeunload');
  await dialog.dismiss();
  await expect(page.getByLabel(WEIGHT)).toHaveValue('3');

  // Back, then "Leave without saving": the list, in one step.
  await page.goBack();
  await leavePrompt().getByRole('button', { name: 'Leave without saving' }).click();
  await expect(page).toHaveURL('/model-groups');
  await expect(page.getByRole('heading', { name: 'Model groups', level: 1 })).toBeVisible();

  // A link, then "Leave without saving": the logs; Back returns to the editor (the edits are gone)
  // and once more to the list: the guard left no extra step in the history.
  await page.getByRole('link', { name: `Edit routing of ${GROUP}` }).click();
  await editWeight('5');
  await nav.getByRole('link', { name: 'Logs' }).click();
  await leavePrompt().getByRole('button', { name: 'Leave without saving' }).click();
  await expect(page).toHaveURL('/logs');
  await expect(page.getByRole('heading', { name: 'Logs', level: 1 })).toBeVisible();
  await page.goBack();
  await expect(page).toHaveURL(EDITOR_PATH);
  await expect(page.getByLabel(WEIGHT)).toHaveValue('1');
  await page.goBack();
  await expect(page).toHaveURL('/model-groups');

  // Saved edits: nothing to ask, and Back is a single step again.
  await page.getByRole('link', { name: `Edit routing of ${GROUP}` }).click();
  await editWeight('2');
  // A short window, so that the Save bar is pinned to its bottom edge, where the toasts appear too.
  const viewport = page.viewportSize();
  await page.setViewportSize({ width: 1280, height: 520 });
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Applied live — new requests use this policy now.')).toBeVisible();
  const bar = page.locator('div[data-pinned]', {
    has: page.getByRole('button', { name: 'Save', exact: true }),
  });
  const savedToast = page.getByRole('region', { name: 'Notifications' }).getByRole('listitem').first();
  await expect(savedToast).toContainText(`Saved ${GROUP}`);
  const box = async (l: typeof bar) => {
    const b = await l.boundingBox();
    if (!b) throw new Error('not laid out');
    return b;
  };
  expect(Math.round((await box(bar)).y + (await box(bar)).height)).toBeGreaterThanOrEqual(520 - 1);
  // The toast sits above the bar instead of covering its buttons (polled: it slides in).
  await expect
    .poll(async () => {
      const [t, b] = [await box(savedToast), await box(bar)];
      return t.y + t.height <= b.y || t.x + t.width <= b.x || b.x + b.width <= t.x;
    })
    .toBe(true);
  await page.screenshot({ path: path.join(ARTIFACTS, 'toast-above-save-bar-1280.png') });
  if (viewport) await page.setViewportSize(viewport);
  await page.goBack();
  await expect(page).toHaveURL('/model-groups');
  await expect(leavePrompt()).toBeHidden();
  const saved = await admin<{ data: { name: string; weight: number | null }[] }>(
    'GET',
    `/api/deployments?modelGroup=${GROUP}&limit=10`,
  );
  expect(saved.data.find((d) => d.name === 'unsaved-upstream-1')?.weight).toBe(2);
});

test('on a phone, a link in the navigation drawer asks too', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/model-groups');
  await page.getByRole('link', { name: `Edit routing of ${GROUP}` }).click();
  await expect(page.getByLabel(WEIGHT)).toHaveValue('2');
  await editWeight('4');
  await page.getByRole('button', { name: 'Open navigation' }).click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Logs' }).click();
  // Above the drawer and usable, though the page behind the drawer is inert.
  await expect(leavePrompt()).toBeVisible();
  await page.screenshot({ path: path.join(ARTIFACTS, 'leave-prompt-390.png') });
  await leavePrompt().getByRole('button', { name: 'Stay on this page' }).click();
  await expect(leavePrompt()).toBeHidden();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();
  await expect(page.getByLabel(WEIGHT)).toHaveValue('4');

  await page.getByRole('button', { name: 'Open navigation' }).click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Logs' }).click();
  await leavePrompt().getByRole('button', { name: 'Leave without saving' }).click();
  await expect(page).toHaveURL('/logs');
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();
  await page.setViewportSize({ width: 1280, height: 800 });
});

test('a project dialog with typed values asks before Escape, Cancel or a backdrop click discards them', async () => {
  await page.goto('/projects');
  const newProject = page.getByRole('button', { name: 'New project' }).first();
  const form = page.getByRole('dialog', { name: 'New project' });
  const discard = page.getByRole('alertdialog', { name: 'Discard changes?' });

  // Nothing typed: Escape just closes.
  await newProject.click();
  await expect(form.getByLabel('Project name')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(form).toBeHidden();
  await expect(discard).toBeHidden();

  // Typed: Escape asks; "Keep editing" goes back to the form with everything still there.
  await newProject.click();
  await form.getByLabel('Project name').fill('Half-typed project');
  await page.keyboard.press('Escape');
  await expect(discard).toBeVisible();
  // The form stays on screen behind the question (hidden from assistive technology meanwhile).
  await expect(page.getByRole('dialog', { name: 'New project', includeHidden: true })).toBeVisible();
  await page.screenshot({ path: path.join(ARTIFACTS, 'discard-prompt-1280.png') });
  await discard.getByRole('button', { name: 'Keep editing' }).click();
  await expect(discard).toBeHidden();
  await expect(form.getByLabel('Project name')).toHaveValue('Half-typed project');
  await form.getByLabel('Description (optional)').fill('Still typing');
  await expect(form.getByLabel('Description (optional)')).toHaveValue('Still typing');

  // Escape on the question keeps editing; Escape again asks again (the browser never closes it alone).
  await page.keyboard.press('Escape');
  await expect(discard).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(discard).toBeHidden();
  await expect(form).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(discard).toBeVisible();
  await discard.getByRole('button', { name: 'Keep editing' }).click();

  // The backdrop asks as well.
  await page.mouse.click(8, 400);
  await expect(discard).toBeVisible();
  await discard.getByRole('button', { name: 'Keep editing' }).click();
  await expect(form).toBeVisible();

  // Cancel, then "Discard changes": both close, focus is back on the button that opened the form, and
  // nothing was created.
  await form.getByRole('button', { name: 'Cancel' }).click();
  await discard.getByRole('button', { name: 'Discard changes' }).click();
  await expect(discard).toBeHidden();
  await expect(form).toBeHidden();
  await expect(newProject).toBeFocused();
  const projects = await admin<{ data: { name: string }[] }>('GET', '/api/projects?limit=100');
  expect(projects.data.map((p) => p.name)).not.toContain('Half-typed project');
});

test('the model group and account dialogs ask too', async () => {
  for (const { path, open, dialog, field } of [
    { path: '/model-groups', open: 'Create group', dialog: 'Create model group', field: 'Name' },
    { path: '/accounts', open: 'Invite', dialog: 'Invite an account', field: 'Email' },
    { path: '/deployments', open: 'Add deployment', dialog: 'Add deployment', field: 'Name' },
  ]) {
    await page.goto(path);
    await page.getByRole('button', { name: open }).first().click();
    const form = page.getByRole('dialog', { name: dialog });
    await form.getByLabel(field, { exact: true }).fill('typed@example.com');
    await page.keyboard.press('Escape');
    const discard = page.getByRole('alertdialog', { name: 'Discard changes?' });
    await discard.getByRole('button', { name: 'Discard changes' }).click();
    await expect(form).toBeHidden();
    // A fresh form next time.
    await page.getByRole('button', { name: open }).first().click();
    await expect(form.getByLabel(field, { exact: true })).toHaveValue('');
    await page.keyboard.press('Escape');
    await expect(form).toBeHidden();
  }
});
