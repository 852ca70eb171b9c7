import { expect, type Page, test } from '@playwright/test';
import OpenAI from 'openai';
import { E2E } from '../playwright.config';
import { signInWithMasterKey } from '../sign-in';

/**
 * The operator's path through the console, against the real API, real PostgreSQL and three fake
 * upstreams (see global-setup.ts). Each page is screenshotted into the test's artifacts.
 */
test.describe.configure({ mode: 'serial' });

async function shot(page: Page, name: string) {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}

async function upstreamCounts(): Promise<number[]> {
  return Promise.all(
    E2E.upstreamPorts.map(
      async (p) =>
        ((await (await fetch(`http://127.0.0.1:${p}/_fake/stats`)).json()) as { total: number }).total,
    ),
  );
}

async function resetUpstreams() {
  await Promise.all(
    E2E.upstreamPorts.map((p) => fetch(`http://127.0.0.1:${p}/_fake/reset`, { method: 'POST' })),
  );
}

async function login(page: Page) {
  await signInWithMasterKey(page);
}

test('operator sets up load balancing, issues a Dify key, watches the split, changes weights live, revokes, imports', async ({
  page,
}) => {
  await login(page);

  // --- three deployments pointing at three fake upstreams
  await page.goto('/deployments');
  for (const [i, port] of E2E.upstreamPorts.entries()) {
    await page.getByRole('button', { name: 'Add deployment', exact: true }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name', { exact: true }).fill(`openai-${i + 1}`);
    await dialog.getByLabel('Model group').fill('gpt-4.1');
    await dialog.getByLabel('Provider').selectOption('openai-compatible');
    await dialog.getByLabel(/API base/).fill(`http://127.0.0.1:${port}/v1`);
    await dialog.getByLabel('API key', { exact: true }).fill(`sk-e2e-upstream-${i + 1}`);
    await dialog.getByLabel('Weight').fill('1');
    if (i === 0) {
      // Saved without the upstream model: the message is next to that field and the cursor is in it.
      await dialog.getByRole('button', { name: 'Save' }).click();
      await expect(dialog.getByText('Upstream model is required.')).toBeVisible();
      await expect(dialog.getByLabel('Upstream model')).toBeFocused();
      await expect(dialog.getByLabel('Name', { exact: true })).not.toHaveAttribute('aria-invalid', 'true');
    }
    await dialog.getByLabel('Upstream model').fill('gpt-4.1');
    await expect(dialog.getByText('Upstream model is required.')).toHaveCount(0);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('row', { name: new RegExp(`openai-${i + 1}`) })).toBeVisible();
  }
  await page
    .getByRole('row', { name: /openai-1/ })
    .getByRole('button', { name: 'Test connection' })
    .click();
  await expect(page.getByText(/Connected/).first()).toBeVisible();
  await shot(page, 'deployments');

  // --- the gpt-4.1 group uses weighted shuffle
  await page.goto(`/model-groups/${encodeURIComponent('gpt-4.1')}`);
  await expect(page.getByLabel('Strategy')).toHaveValue('weighted-shuffle');
  await shot(page, 'model-group');

  // --- a project and a key, with the Connect Dify card
  await page.goto('/projects');
  await page.getByRole('button', { name: 'New project' }).first().click();
  await page.getByRole('dialog').getByLabel('Project name').fill('Dify support bot');
  await page.getByRole('dialog').getByRole('button', { name: 'Create project' }).click();
  await expect(page.getByRole('dialog')).toBeHidden();
  await page.goto('/projects');
  await page.getByRole('link', { name: 'Dify support bot' }).click();
  await page.getByRole('button', { name: 'Issue key' }).first().click();
  await page.getByRole('dialog').getByLabel('Alias').fill('dify-prod');
  await page.getByRole('dialog').getByRole('button', { name: 'Create key' }).click();
  const dify = page.getByRole('region', { name: 'Connect Dify' });
  await expect(dify).toBeVisible();
  const secret = (await dify.locator('code').first().textContent())?.trim() ?? '';
  expect(secret).toMatch(/^sk-sb-/);
  await expect(dify).toContainText('http://switchboard:4000/v1');
  // The same credential call Dify makes when the provider is saved, from the card.
  await dify.getByRole('button', { name: 'Check from here' }).click();
  await expect(dify.getByText('OK: the gateway accepted the key')).toBeVisible();
  await shot(page, 'project-key');

  // --- at least 30 requests through the official openai client with that key
  await resetUpstreams();
  const client = new OpenAI({ apiKey: secret, baseURL: `${E2E.apiUrl}/v1`, maxRetries: 0 });
  let sent = 0;
  // The split is random: after 30 requests one upstream had none 1.6e-5 of the time, so go on until each has
  // served one (one still idle after 60 requests: 3 * (2/3)^60 < 1e-10).
  while (sent < 30 || (sent < 60 && (await upstreamCounts()).includes(0))) {
    const res = await client.chat.completions.create({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: `hi ${sent}` }],
    });
    expect(res.choices[0]?.message.content).toContain('Hello');
    sent++;
  }
  const split = await upstreamCounts();
  expect(split.reduce((a, b) => a + b, 0)).toBe(sent);
  for (const n of split) expect(n).toBeGreaterThan(0);

  // --- the overview shows the three-way split
  await page.goto('/');
  const table = page.getByRole('table', { name: 'Requests by deployment' });
  for (let i = 1; i <= 3; i++)
    await expect(table.getByRole('row', { name: new RegExp(`openai-${i}`) })).toBeVisible({
      timeout: 30_000,
    });
  await shot(page, 'overview');

  // --- change weights live: everything goes to openai-1
  await page.goto(`/model-groups/${encodeURIComponent('gpt-4.1')}`);
  await page.getByLabel('Weight of openai-2').fill('0');
  await page.getByLabel('Weight of openai-3').fill('0');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Applied live').first()).toBeVisible();
  await resetUpstreams();
  for (let i = 0; i < 10; i++)
    await client.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'x' }] });
  expect(await upstreamCounts()).toEqual([10, 0, 0]);

  // --- logs show the requests
  await page.goto('/logs');
  await expect(
    page
      .getByRole('table')
      .getByRole('row', { name: /openai-1/ })
      .first(),
  ).toBeVisible();
  await shot(page, 'logs');

  // --- revoke the key: requests are refused
  await page.goto('/projects');
  await page.getByRole('link', { name: 'Dify support bot' }).click();
  await page.getByRole('button', { name: 'Revoke' }).first().click();
  await page
    .getByRole('alertdialog')
    .getByRole('button', { name: /Revoke/ })
    .click();
  await expect(page.getByText('No active keys')).toBeVisible();
  await expect(
    client.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'x' }] }),
  ).rejects.toMatchObject({
    status: 401,
  });

  // --- import a LiteLLM config and see its deployments appear
  await page.goto('/import');
  await page
    .getByLabel('LiteLLM config (YAML)')
    .fill(
      [
        'model_list:',
        '  - model_name: imported-model',
        '    litellm_params:',
        '      model: openai/gpt-4.1',
        `      api_base: http://127.0.0.1:${E2E.upstreamPorts[0]}/v1`,
        '      api_key: sk-imported-upstream',
        'router_settings:',
        '  routing_strategy: simple-shuffle',
        '  num_retries: 2',
      ].join('\n'),
    );
  await page.getByRole('button', { name: 'Preview', exact: true }).click();
  await expect(page.getByRole('table').first()).toContainText('imported-model');
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Apply' }).click();
  await page.goto('/deployments');
  await expect(page.getByRole('row', { name: /imported-model/ }).first()).toBeVisible();
  await shot(page, 'after-import');

  await page.goto('/audit');
  await expect(
    page.getByText('deployment.create', { exact: true }).filter({ visible: true }).first(),
  ).toBeVisible();
  await shot(page, 'audit');
});
