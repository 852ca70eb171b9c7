import { expect, type APIRequestContext, type Locator, type Page, test } from '@playwright/test';
import { E2E } from '../playwright.config';
import { signInWithMasterKey } from '../sign-in';

/**
 * An operator edits an issued key in the console (limits and allowed models) without reissuing it, and
 * tells three deployments of one model apart in the deployments list, at desktop and phone widths.
 */
test.describe.configure({ mode: 'serial' });

const admin = { authorization: `Bearer ${E2E.masterKey}` };
const GROUP = 'key-edit-mini';
const OTHER_GROUP = 'key-edit-other';
/** Three OpenAI projects serving the same model: only the endpoint, the key and the weights differ. */
const MODEL = 'gpt-4o-mini-2024-07-18';
const DEPLOYMENTS = [
  {
    name: 'key-edit-alpha',
    port: E2E.upstreamPorts[0],
    apiKey: 'sk-proj-alpha-1111',
    weight: 3,
    priority: 0,
  },
  { name: 'key-edit-beta', port: E2E.upstreamPorts[1], apiKey: 'sk-proj-beta-2222', weight: 2, priority: 0 },
  {
    name: 'key-edit-gamma',
    port: E2E.upstreamPorts[2],
    apiKey: 'sk-proj-gamma-3333',
    weight: 1,
    priority: 1,
  },
];

const WIDTHS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

async function shot(page: Page, name: string) {
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}

async function login(page: Page) {
  await signInWithMasterKey(page);
}

async function post(request: APIRequestContext, path: string, data: unknown): Promise<{ id: string }> {
  const res = await request.post(`${E2E.apiUrl}${path}`, { data, headers: admin });
  expect(res.status(), `${path}: ${await res.text()}`).toBe(201);
  return (await res.json()) as { id: string };
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

test('an operator edits a key’s limits and models in place; the secret keeps working', async ({
  page,
  request,
}) => {
  for (const d of DEPLOYMENTS) {
    await post(request, '/api/deployments', {
      name: d.name,
      modelGroup: GROUP,
      provider: 'openai-compatible',
      model: MODEL,
      apiBase: `http://127.0.0.1:${d.port}/v1`,
      apiKey: d.apiKey,
      weight: d.weight,
      priority: d.priority,
    });
  }
  await post(request, '/api/model-groups', { name: OTHER_GROUP });
  const project = await post(request, '/api/projects', { name: 'Key edit e2e' });

  await login(page);

  // --- issue a key with a limit of 60 requests per minute
  await page.goto(`/projects/${project.id}`);
  await page.getByRole('button', { name: 'Issue key' }).first().click();
  const issue = page.getByRole('dialog', { name: 'Issue key' });
  await issue.getByLabel('Alias').fill('edit-me');
  await issue.getByLabel('Requests per minute', { exact: true }).fill('60');
  const issued = page.waitForResponse(
    (r) => r.request().method() === 'POST' && r.url().endsWith('/api/keys'),
  );
  await issue.getByRole('button', { name: 'Create key' }).click();
  const created = (await (await issued).json()) as { id: string; prefix: string };
  const dify = page.getByRole('region', { name: 'Connect Dify' });
  const secret = ((await dify.locator('code').first().textContent()) ?? '').trim();
  expect(secret).toMatch(/^sk-sb-/);
  await page.getByRole('button', { name: 'Done' }).click();

  const card = page.getByRole('article', { name: 'edit-me' });
  await expect(card).toContainText('60 req/min');
  await expect(card).toContainText('All model groups');

  // --- typed changes are not thrown away without asking; untouched ones close at once
  await card.getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit “edit-me”' });
  await expect(edit.getByLabel('Alias')).toHaveValue('edit-me');
  await expect(edit.getByLabel('Requests per minute', { exact: true })).toHaveValue('60');
  await expect(edit.getByRole('checkbox', { name: /All model groups/ })).toBeChecked();
  await edit.getByLabel('Requests per minute', { exact: true }).fill('99');
  await page.keyboard.press('Escape');
  const discard = page.getByRole('alertdialog', { name: 'Discard changes?' });
  await expect(discard).toBeVisible();
  await discard.getByRole('button', { name: 'Keep editing' }).click();
  await expect(discard).toBeHidden();
  await expect(edit.getByLabel('Requests per minute', { exact: true })).toHaveValue('99');
  await edit.getByRole('button', { name: 'Cancel' }).click();
  await discard.getByRole('button', { name: 'Discard changes' }).click();
  await expect(edit).toBeHidden();
  await expect(card.getByRole('button', { name: 'Edit' })).toBeFocused();
  await expect(card).toContainText('60 req/min');

  await card.getByRole('button', { name: 'Edit' }).click();
  await expect(edit.getByLabel('Requests per minute', { exact: true })).toHaveValue('60');
  await page.keyboard.press('Escape');
  await expect(edit).toBeHidden();
  await expect(discard).toBeHidden();

  // --- the real edit: 120 rpm, one model group and a note; only those fields are sent
  await card.getByRole('button', { name: 'Edit' }).click();
  await edit.getByLabel('Requests per minute', { exact: true }).fill('120');
  await edit.getByRole('checkbox', { name: /All model groups/ }).uncheck();
  await edit.getByRole('checkbox', { name: GROUP, exact: true }).check();
  await edit.getByLabel(/Metadata/).fill('{"team": [1');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit.getByText(/Enter a JSON object/)).toBeVisible();
  await expect(edit.getByLabel(/Metadata/)).toBeFocused();
  await edit.getByLabel(/Metadata/).fill('{"team": "search"}');
  const patched = page.waitForRequest(
    (r) => r.method() === 'PATCH' && r.url().endsWith(`/api/keys/${created.id}`),
  );
  await edit.getByRole('button', { name: 'Save changes' }).click();
  expect((await patched).postDataJSON()).toEqual({
    rpmLimit: 120,
    models: [GROUP],
    metadata: { team: 'search' },
  });
  await expect(edit).toBeHidden();
  await expect(card).toContainText('120 req/min');
  await expect(card.getByText(GROUP, { exact: true })).toBeVisible();
  await expect(card).not.toContainText('All model groups');
  await expect(card).toContainText('team: search');
  await expect(card).toContainText(created.prefix);

  // --- the API agrees, and the same secret still works, now limited to that group
  const stored = await request.get(`${E2E.apiUrl}/api/keys/${created.id}`, { headers: admin });
  expect(stored.status()).toBe(200);
  expect(await stored.json()).toMatchObject({
    rpmLimit: 120,
    models: [GROUP],
    metadata: { team: 'search' },
    prefix: created.prefix,
  });
  const models = await request.get(`${E2E.apiUrl}/v1/models`, {
    headers: { authorization: `Bearer ${secret}` },
  });
  expect(models.status()).toBe(200);
  expect(((await models.json()) as { data: { id: string }[] }).data.map((m) => m.id)).toEqual([GROUP]);

  // --- Keys page at both widths: every key action in view
  for (const [label, size] of Object.entries(WIDTHS)) {
    await page.setViewportSize(size);
    await page.goto(`/projects/${project.id}`);
    await expect(card).toContainText('120 req/min');
    for (const action of ['Edit', 'Rotate', 'Revoke'])
      await expectWithinWidth(page, card.getByRole('button', { name: action }));
    await shot(page, `keys-${label}`);
    await card.getByRole('button', { name: 'Edit' }).click();
    await expect(edit.getByLabel('Requests per minute', { exact: true })).toHaveValue('120');
    await expectWithinWidth(page, edit.getByRole('button', { name: 'Save changes' }));
    await page.screenshot({ path: test.info().outputPath(`key-edit-dialog-${label}.png`) });
    await page.keyboard.press('Escape');
    await expect(edit).toBeHidden();
  }
  await page.setViewportSize(WIDTHS.desktop);

  // --- an API refusal lands in the dialog: the key is revoked while it is being edited
  await card.getByRole('button', { name: 'Edit' }).click();
  await edit.getByLabel('Alias').fill('edit-me-later');
  const revoked = await request.post(`${E2E.apiUrl}/api/keys/${created.id}/revoke`, { headers: admin });
  expect(revoked.status()).toBe(200);
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit.getByText('The key could not be saved')).toBeVisible();
  await expect(edit).toContainText(/revoked/i);
  await edit.getByRole('button', { name: 'Cancel' }).click();
  await discard.getByRole('button', { name: 'Discard changes' }).click();
  await expect(edit).toBeHidden();
});

test('the deployments list tells deployments of one model apart: host, key hint, weight, whole model name', async ({
  page,
}) => {
  await login(page);
  for (const [label, size] of Object.entries(WIDTHS)) {
    await page.setViewportSize(size);
    await page.goto(`/deployments?modelGroup=${GROUP}`);
    // Table or cards, nothing hides beyond the list's right edge.
    const list = page.getByRole('region', { name: 'Deployments' });
    await expect(list.getByRole('row', { name: new RegExp(DEPLOYMENTS[0]!.name) })).toBeVisible();
    expect(await list.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
    for (const d of DEPLOYMENTS) {
      const row = page.getByRole('row', { name: new RegExp(d.name) });
      await expect(row).toContainText(`127.0.0.1:${d.port}`);
      await expect(row).toContainText(`upstream key sk-…${d.apiKey.slice(-4)}`);
      await expect(row).toContainText(`weight ${d.weight}`);
      await expect(row).toContainText(`priority ${d.priority}`);
      await expect(row).not.toContainText(d.apiKey);
      // The model name is wrapped when it must be, never cut: it lies wholly inside its cell.
      const model = row.getByText(MODEL, { exact: true });
      const [modelBox, cellBox] = await Promise.all([
        model.boundingBox(),
        row.getByRole('rowheader').boundingBox(),
      ]);
      expect(modelBox && cellBox).toBeTruthy();
      expect(modelBox!.x + modelBox!.width).toBeLessThanOrEqual(cellBox!.x + cellBox!.width);
      for (const action of [`Edit ${d.name}`, `Delete ${d.name}`, 'Test connection'])
        await expectWithinWidth(page, row.getByRole('button', { name: action }));
      await expectWithinWidth(page, row.getByRole('switch', { name: 'Enabled' }));
    }
    await shot(page, `deployments-${label}`);
  }
});
