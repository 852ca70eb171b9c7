import path from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { E2E } from '../playwright.config';
import { signInWithMasterKey } from '../sign-in';

/**
 * Model prices in the console against the real API: edit a built-in price, see it saved (also through
 * the admin API), reset it to the default, and add a price for a model that had none. Screenshots of the
 * page at 1280 px and 390 px go to e2e/artifacts/.
 */
test.describe.configure({ mode: 'serial' });

const ARTIFACTS = path.resolve(__dirname, '..', 'artifacts', 'prices');
const HIDE_TOASTS = 'section[aria-label="Notifications"] { display: none !important; }';

interface ApiPrice {
  model: string;
  inputUsdPerMTokens: number;
  cachedInputUsdPerMTokens: number | null;
  outputUsdPerMTokens: number;
  source: 'default' | 'operator';
  defaultPrice: {
    inputUsdPerMTokens: number;
    cachedInputUsdPerMTokens: number | null;
    outputUsdPerMTokens: number;
  } | null;
}

async function login(page: Page) {
  await signInWithMasterKey(page);
}

/** The model's price as `GET /api/prices` answers it to the master key (undefined: no price). */
async function apiPrice(model: string): Promise<ApiPrice | undefined> {
  const res = await fetch(`${E2E.apiUrl}/api/prices?search=${encodeURIComponent(model)}&limit=500`, {
    headers: { authorization: `Bearer ${E2E.masterKey}` },
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { data: ApiPrice[] };
  return body.data.find((price) => price.model === model);
}

/** A full-page screenshot, without the toasts of earlier steps over the rows. */
async function shot(page: Page, name: string) {
  await page.screenshot({
    path: path.join(ARTIFACTS, `${name}.png`),
    fullPage: true,
    style: HIDE_TOASTS,
  });
}

async function search(page: Page, text: string) {
  await page.getByRole('searchbox', { name: 'Search models' }).fill(text);
  // The list follows the URL once typing settles.
  await expect(page).toHaveURL(text ? `/prices?search=${encodeURIComponent(text)}` : '/prices');
}

test('an operator edits a price, resets it to the default and prices a new model', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));

  await login(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Model prices' }).click();
  await expect(page.getByRole('heading', { name: 'Model prices', level: 1 })).toBeVisible();
  await expect(page.getByRole('row', { name: /^gpt-4\.1 / })).toContainText('Built-in default');
  await shot(page, 'prices-1280');

  // --- edit: a negative price is refused next to its field, a valid one is saved
  await search(page, 'gpt-4o-mini');
  const rows = page.getByRole('table', { name: 'Model prices' }).locator('tbody tr');
  await expect(rows).toHaveCount(1);
  const row = rows.first();
  await expect(row).toContainText('$0.15');
  await expect(row).toContainText('Built-in default');
  await row.getByRole('button', { name: 'Edit price of gpt-4o-mini' }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit the price of gpt-4o-mini' });
  await expect(dialog.getByLabel('Input price', { exact: true })).toHaveValue('0.15');
  await dialog.getByLabel('Input price', { exact: true }).fill('-1');
  await dialog.getByRole('button', { name: 'Save price' }).click();
  await expect(dialog.getByText('Must be 0 or more.')).toBeVisible();
  await expect(dialog.getByLabel('Input price', { exact: true })).toBeFocused();
  await dialog.getByLabel('Input price', { exact: true }).fill('0.2');
  await dialog.getByRole('button', { name: 'Save price' }).click();
  await expect(dialog).toBeHidden();
  await expect(row).toContainText('$0.20');
  await expect(row).toContainText('built-in $0.15');
  await expect(row).toContainText('Set by operator');
  await expect(row).toContainText('Changed with the master key');
  expect(await apiPrice('gpt-4o-mini')).toMatchObject({
    inputUsdPerMTokens: 0.2,
    outputUsdPerMTokens: 0.6,
    source: 'operator',
  });
  await shot(page, 'prices-edited-1280');

  // --- reset to the built-in price
  await row.getByRole('button', { name: 'Reset gpt-4o-mini to its built-in price' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Reset gpt-4o-mini to its built-in price?' });
  await confirm.getByRole('button', { name: 'Reset to default' }).click();
  await expect(confirm).toBeHidden();
  await expect(row).toContainText('$0.15');
  await expect(row).toContainText('Built-in default');
  await expect(row).toContainText('Reset with the master key');
  await expect(row.getByRole('button', { name: /Reset gpt-4o-mini/ })).toHaveCount(0);
  expect(await apiPrice('gpt-4o-mini')).toMatchObject({
    inputUsdPerMTokens: 0.15,
    outputUsdPerMTokens: 0.6,
    source: 'default',
  });

  // --- the cached input price: listed with its built-in figure, emptied (= the input price), set again
  await search(page, 'gpt-4.1-nano');
  const nano = page.getByRole('table', { name: 'Model prices' }).locator('tbody tr').first();
  await expect(nano).toContainText('$0.025');
  await nano.getByRole('button', { name: 'Edit price of gpt-4.1-nano' }).click();
  const nanoDialog = page.getByRole('dialog', { name: 'Edit the price of gpt-4.1-nano' });
  const cachedField = nanoDialog.getByLabel('Cached input price');
  await expect(cachedField).toHaveValue('0.025');
  await expect(nanoDialog).toContainText('Leave empty to cost them at the input price; built-in $0.025.');
  await cachedField.fill('');
  await nanoDialog.getByRole('button', { name: 'Save price' }).click();
  await expect(nanoDialog).toBeHidden();
  await expect(nano).toContainText('same as input');
  await expect(nano).toContainText('built-in $0.025');
  expect(await apiPrice('gpt-4.1-nano')).toMatchObject({
    cachedInputUsdPerMTokens: null,
    source: 'operator',
  });

  await nano.getByRole('button', { name: 'Edit price of gpt-4.1-nano' }).click();
  await expect(cachedField).toHaveValue('');
  await cachedField.fill('-0.01');
  await nanoDialog.getByRole('button', { name: 'Save price' }).click();
  await expect(nanoDialog.getByText('Must be 0 or more.')).toBeVisible();
  await expect(cachedField).toBeFocused();
  await cachedField.fill('0.02');
  await nanoDialog.getByRole('button', { name: 'Save price' }).click();
  await expect(nanoDialog).toBeHidden();
  await expect(nano).toContainText('$0.02');
  await expect(nano).not.toContainText('same as input');
  // Six columns still leave every action of the row whole on screen.
  await expect(nano.getByRole('button', { name: 'Reset gpt-4.1-nano to its built-in price' })).toBeInViewport(
    {
      ratio: 1,
    },
  );
  expect(await apiPrice('gpt-4.1-nano')).toMatchObject({
    inputUsdPerMTokens: 0.1,
    cachedInputUsdPerMTokens: 0.02,
    outputUsdPerMTokens: 0.4,
  });
  await shot(page, 'prices-cached-1280');

  // --- a model without a price: the empty search offers to add one
  const model = 'acme/e2e-llama-70b';
  expect(await apiPrice(model)).toBeUndefined();
  await search(page, model);
  await expect(page.getByRole('heading', { name: `No model matches “${model}”` })).toBeVisible();
  await page.getByRole('button', { name: `Add a price for ${model}` }).click();
  const add = page.getByRole('dialog', { name: 'Add a model price' });
  await expect(add.getByLabel('Model', { exact: true })).toHaveValue(model);
  await add.getByLabel('Input price', { exact: true }).fill('0.5');
  await add.getByRole('button', { name: 'Add price' }).click();
  await expect(add.getByText('Output price is required.')).toBeVisible();
  await page.screenshot({ path: path.join(ARTIFACTS, 'prices-add-1280.png'), style: HIDE_TOASTS });
  await add.getByLabel('Output price').fill('1.5');
  await add.getByRole('button', { name: 'Add price' }).click();
  await expect(add).toBeHidden();
  const added = page.getByRole('row', { name: new RegExp(model) });
  await expect(added).toContainText('$0.50');
  await expect(added).toContainText('$1.50');
  // No cached price given: cached prompt tokens cost the input price, and the row says so.
  await expect(added).toContainText('same as input');
  await expect(added).toContainText('Added with the master key');
  expect(await apiPrice(model)).toMatchObject({
    inputUsdPerMTokens: 0.5,
    cachedInputUsdPerMTokens: null,
    outputUsdPerMTokens: 1.5,
    source: 'operator',
    defaultPrice: null,
  });

  // Adding it again is refused instead of overwriting it (ids match ignoring case, as costing does).
  await page.getByRole('button', { name: 'Add model price' }).click();
  const again = page.getByRole('dialog', { name: 'Add a model price' });
  await again.getByLabel('Model', { exact: true }).fill(model.toUpperCase());
  await again.getByLabel('Input price', { exact: true }).fill('9');
  await again.getByLabel('Output price').fill('9');
  await again.getByRole('button', { name: 'Add price' }).click();
  await expect(again.getByText(`${model} already has a price; edit it in the table instead.`)).toBeVisible();
  await again.getByRole('button', { name: 'Cancel' }).click();
  await expect(again).toBeHidden();
  expect(await apiPrice(model)).toMatchObject({ inputUsdPerMTokens: 0.5 });

  // --- a phone: rows become cards, every action stays on screen, nothing overflows sideways
  const edited = await fetch(`${E2E.apiUrl}/api/prices/claude-3-5-haiku`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${E2E.masterKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ inputUsdPerMTokens: 0.9, outputUsdPerMTokens: 4.5 }),
  });
  expect(edited.status).toBe(200);
  await page.setViewportSize({ width: 390, height: 844 });
  await search(page, '');
  for (const action of [
    `Edit price of ${model}`,
    `Delete the price of ${model}`,
    'Edit price of claude-3-5-haiku',
    'Reset claude-3-5-haiku to its built-in price',
  ]) {
    await expect(page.getByRole('button', { name: action })).toBeInViewport();
  }
  expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
  await shot(page, 'prices-390');
  await page.getByRole('button', { name: 'Edit price of claude-3-5-haiku' }).click();
  await expect(page.getByRole('dialog', { name: 'Edit the price of claude-3-5-haiku' })).toBeVisible();
  await page.screenshot({ path: path.join(ARTIFACTS, 'prices-edit-390.png'), style: HIDE_TOASTS });
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

  expect(errors).toEqual([]);
});
