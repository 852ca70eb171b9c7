import path from 'node:path';
import { expect, type Locator, type Page, test } from '@playwright/test';
import { E2E } from '../playwright.config';

/**
 * Every console page on a phone (390 px) and a laptop (1280 px): nothing scrolls sideways, each primary
 * action sits inside the viewport, enabled and clickable (nothing covers it), and on the laptop no table
 * hides a column in its own scroll box. Full-page screenshots of each go to e2e/artifacts/layout/.
 */

const ARTIFACTS = path.resolve(__dirname, '..', 'artifacts', 'layout');
const HIDE_TOASTS = 'section[aria-label="Notifications"] { display: none !important; }';
const VIEWPORTS = [
  { width: 390, height: 844 },
  { width: 1280, height: 800 },
] as const;
const ADMIN = {
  email: 'layout-admin@example.com',
  name: 'Layout Admin',
  password: 'layout passphrase for the e2e',
};
const GROUP = 'layout-claude-3-5-sonnet-20241022';
const FALLBACK_GROUP = 'layout-gpt-4o-mini';
const PROJECT = 'Layout customer support assistant';
const CSRF = { 'x-switchboard-csrf': '1' };

interface Seeded {
  projectId: string;
  logId: string;
}

async function admin<T>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(`${E2E.apiUrl}${url}`, {
    method,
    headers: { authorization: `Bearer ${E2E.masterKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status, `${method} ${url}`).toBeLessThan(300);
  return (await res.json()) as T;
}

/**
 * Rows worth looking at on every page: two groups (one falling back), deployments, a project, a key,
 * requests (one failing) in the logs, an admin account to sign in with, and so audit events. Once per
 * stack: a worker that restarts after a failed test finds them there.
 */
async function seed(): Promise<Seeded> {
  const projects = await admin<{ data: { id: string; name: string }[] }>('GET', '/api/projects?limit=100');
  const existing = projects.data.find((project) => project.name === PROJECT);
  const projectId = existing?.id ?? (await createRows());
  // Request logs are written in batches: wait until the three are there.
  let logId = '';
  await expect(async () => {
    const logs = await admin<{ data: { id: string }[] }>('GET', `/api/logs?projectId=${projectId}&limit=10`);
    expect(logs.data).toHaveLength(3);
    logId = logs.data[0]?.id ?? '';
  }).toPass();
  return { projectId, logId };
}

/** Creates the rows; answers the project's id. */
async function createRows(): Promise<string> {
  for (const [i, port] of E2E.upstreamPorts.slice(0, 2).entries()) {
    await admin('POST', '/api/deployments', {
      name: `layout-anthropic-eu-west-${i + 1}`,
      modelGroup: GROUP,
      provider: 'openai-compatible',
      model: 'claude-3-5-sonnet-20241022',
      apiBase: `http://127.0.0.1:${port}/v1`,
      apiKey: `sk-layout-upstream-${i + 1}`,
    });
  }
  await admin('POST', '/api/deployments', {
    name: 'layout-openai-mini',
    modelGroup: FALLBACK_GROUP,
    provider: 'openai-compatible',
    model: 'gpt-4o-mini',
    apiBase: `http://127.0.0.1:${E2E.upstreamPorts[2]}/v1`,
    apiKey: 'sk-layout-upstream-3',
  });
  await admin('PATCH', `/api/model-groups/${encodeURIComponent(GROUP)}`, { fallbacks: [FALLBACK_GROUP] });

  const project = await admin<{ id: string }>('POST', '/api/projects', {
    name: PROJECT,
    description: 'Answers tickets in the help desk; one key per environment.',
    tags: ['support', 'production', 'eu-west'],
  });
  const key = await admin<{ key: string }>('POST', '/api/keys', {
    projectId: project.id,
    alias: 'layout-helpdesk-production',
    maxBudgetUsd: 50,
    budgetPeriod: 'monthly',
  });
  for (const model of [GROUP, GROUP, 'layout-no-such-model']) {
    await fetch(`${E2E.apiUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    });
  }

  const invite = await admin<{ setPasswordUrl: string }>('POST', '/api/accounts', {
    email: ADMIN.email,
    displayName: ADMIN.name,
    role: 'admin',
  });
  const token = new URL(invite.setPasswordUrl, E2E.webUrl).searchParams.get('token');
  const set = await fetch(`${E2E.apiUrl}/api/auth/set-password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...CSRF },
    body: JSON.stringify({ token, password: ADMIN.password }),
  });
  expect(set.status).toBeLessThan(300);
  return project.id;
}

interface PageSpec {
  name: string;
  path: (seeded: Seeded) => string;
  /** Visible once the page has its data. */
  ready: (page: Page) => Locator;
  /** The page's primary actions: each must be on screen, enabled and clickable. */
  actions: (page: Page) => Locator[];
}

const main = (page: Page) => page.locator('main');

const PAGES: PageSpec[] = [
  {
    name: 'overview',
    path: () => '/',
    ready: (page) => page.getByRole('table', { name: 'Requests by deployment' }),
    actions: (page) => [main(page).getByRole('radio', { name: 'Last 30 days' })],
  },
  {
    name: 'deployments',
    path: () => '/deployments',
    ready: (page) => page.getByRole('row', { name: /layout-anthropic-eu-west-1/ }),
    actions: (page) => {
      const row = page.getByRole('row', { name: /layout-anthropic-eu-west-1/ });
      return [
        main(page).getByRole('button', { name: 'Add deployment', exact: true }).first(),
        row.getByRole('button', { name: 'Test connection' }),
        row.getByRole('button', { name: 'Edit layout-anthropic-eu-west-1' }),
        row.getByRole('button', { name: 'Delete layout-anthropic-eu-west-1' }),
      ];
    },
  },
  {
    name: 'model-groups',
    path: () => '/model-groups',
    ready: (page) => page.getByRole('link', { name: `Edit routing of ${GROUP}` }),
    actions: (page) => [
      main(page).getByRole('button', { name: 'Create group' }),
      page.getByRole('link', { name: `Edit routing of ${GROUP}` }),
      page.getByRole('button', { name: `Delete ${GROUP}` }),
    ],
  },
  {
    name: 'model-group-editor',
    path: () => `/model-groups/${encodeURIComponent(GROUP)}`,
    ready: (page) => page.getByLabel('Weight of layout-anthropic-eu-west-1'),
    actions: (page) => [
      main(page).getByRole('button', { name: 'Add deployment', exact: true }),
      main(page).getByRole('button', { name: 'Delete group' }),
      page.getByLabel('Weight of layout-anthropic-eu-west-2'),
      page.getByLabel('Strategy'),
    ],
  },
  {
    name: 'prices',
    path: () => '/prices',
    ready: (page) => page.getByRole('button', { name: 'Edit price of gpt-4.1', exact: true }),
    actions: (page) => [
      main(page).getByRole('button', { name: 'Add model price' }),
      page.getByRole('button', { name: 'Edit price of gpt-4.1', exact: true }),
    ],
  },
  {
    name: 'projects',
    path: () => '/projects',
    ready: (page) => page.getByRole('link', { name: PROJECT }),
    actions: (page) => [
      main(page).getByRole('button', { name: 'New project' }),
      page.getByRole('link', { name: PROJECT }),
    ],
  },
  {
    name: 'project-detail',
    path: ({ projectId }) => `/projects/${projectId}`,
    ready: (page) => page.getByText('layout-helpdesk-production').first(),
    actions: (page) => [
      main(page).getByRole('button', { name: 'Issue key' }),
      main(page).getByRole('button', { name: 'Edit project' }),
      main(page).getByRole('button', { name: 'Delete project' }),
      main(page).getByRole('button', { name: 'Edit', exact: true }).first(),
      main(page).getByRole('button', { name: 'Rotate', exact: true }).first(),
      main(page).getByRole('button', { name: 'Revoke', exact: true }).first(),
    ],
  },
  {
    name: 'logs',
    path: ({ projectId }) => `/logs?projectId=${projectId}`,
    ready: (page) => page.getByText('3 requests, newest first'),
    actions: (page) => [
      main(page).getByRole('button', { name: 'Refresh' }),
      main(page).getByRole('button', { name: 'Reset filters' }),
      main(page)
        .getByRole('link', { name: /^View request from/ })
        .first(),
    ],
  },
  {
    name: 'log-detail',
    path: ({ logId }) => `/logs/${logId}`,
    ready: (page) => page.getByRole('heading', { level: 1 }),
    actions: (page) => [main(page).getByRole('link', { name: 'Back to logs' })],
  },
  {
    name: 'audit',
    path: () => '/audit',
    ready: (page) => page.getByRole('button', { name: 'Show changes' }).first(),
    actions: (page) => [
      main(page).getByLabel('Target type'),
      main(page).getByRole('button', { name: 'Show changes' }).first(),
    ],
  },
  {
    name: 'accounts',
    path: () => '/accounts',
    ready: (page) => page.getByRole('row', { name: new RegExp(ADMIN.email) }),
    actions: (page) => {
      const row = page.getByRole('row', { name: new RegExp(ADMIN.email) });
      return [
        main(page).getByRole('button', { name: 'Invite' }),
        row.getByRole('button', { name: 'Edit' }),
        row.getByRole('button', { name: 'Reset password' }),
        row.getByRole('button', { name: 'Disable' }),
      ];
    },
  },
  {
    name: 'my-account',
    path: () => '/account',
    ready: (page) => page.getByRole('row', { name: /layout-ci/ }),
    actions: (page) => [
      main(page).getByRole('button', { name: 'New token' }),
      page.getByRole('row', { name: /layout-ci/ }).getByRole('button', { name: 'Revoke' }),
      main(page).getByRole('button', { name: 'Change password' }),
      main(page).getByRole('button', { name: 'Sign out everywhere' }),
    ],
  },
  {
    name: 'import',
    path: () => '/import',
    ready: (page) => page.getByRole('heading', { level: 1 }),
    actions: () => [],
  },
];

/** The shell's own controls: the menu button on a phone, the sidebar links on a laptop. */
function shellActions(page: Page, width: number): Locator[] {
  const common = [page.getByRole('banner').getByRole('button', { name: 'Sign out' })];
  return width < 960
    ? [page.getByRole('button', { name: 'Open navigation' }), ...common]
    : [page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Accounts' }), ...common];
}

/** Inside the viewport horizontally (measured before anything scrolls), enabled and not covered. */
async function expectUsable(action: Locator, width: number) {
  const name = action.toString();
  await expect.soft(action, `${name} is visible`).toBeVisible();
  if (!(await action.isVisible())) return;
  const box = await action.boundingBox();
  expect.soft(box, `${name} has a box`).not.toBeNull();
  if (!box) return;
  expect.soft(box.x, `${name} starts inside the viewport`).toBeGreaterThanOrEqual(0);
  expect.soft(box.x + box.width, `${name} ends inside the viewport`).toBeLessThanOrEqual(width);
  await expect.soft(action, `${name} is enabled`).toBeEnabled();
  // Actionability only (visible, stable, enabled, receives the click); nothing is clicked.
  await action.click({ trial: true, timeout: 5_000 }).catch((error: Error) => {
    expect.soft(error.message, `${name} is clickable`).toBe('');
  });
}

/** Tables that scroll inside their own box are hiding columns: none may. */
async function clippedTables(page: Page): Promise<string[]> {
  // A string: it runs in the page (this file is type-checked without the DOM library).
  return page.evaluate<string[]>(`
    [...document.querySelectorAll('main [role="region"]')]
      .filter((box) => box.querySelector('table') && box.scrollWidth > box.clientWidth + 1)
      .map((box) => (box.getAttribute('aria-label') ?? 'table') + ': ' + box.scrollWidth + ' > ' + box.clientWidth)
  `);
}

let page: Page;
let seeded: Seeded;

test.beforeAll(async ({ browser }) => {
  seeded = await seed();
  page = await browser.newPage({ baseURL: E2E.webUrl });
  await page.goto('/login');
  await page.getByLabel('Email', { exact: true }).fill(ADMIN.email);
  await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).not.toHaveURL(/\/login/);
  const tokens = await page.request.get('/api/me/tokens');
  const names = ((await tokens.json()) as { name: string }[]).map((token) => token.name);
  if (!names.includes('layout-ci')) {
    const created = await page.request.post('/api/me/tokens', {
      headers: CSRF,
      data: { name: 'layout-ci', expiresInDays: 90 },
    });
    expect(created.status()).toBe(201);
  }
});

test.afterAll(async () => {
  await page.close();
});

for (const spec of PAGES) {
  test(`${spec.name} fits 390 px and 1280 px with its actions on screen`, async () => {
    await page.goto(spec.path(seeded));
    // One load, both widths: the layout must follow a resize as well as a fresh load.
    for (const viewport of VIEWPORTS) {
      await page.setViewportSize(viewport);
      await expect(spec.ready(page)).toBeVisible();
      // Fonts and late data can change widths: measure once the page has settled.
      await page.evaluate('document.fonts.ready');

      await page.screenshot({
        path: path.join(ARTIFACTS, `${spec.name}-${viewport.width}.png`),
        fullPage: true,
        style: HIDE_TOASTS,
      });
      // Soft: both widths are measured (and photographed) even when the first fails.
      expect
        .soft(await page.evaluate<number>('document.documentElement.scrollWidth'), 'nothing scrolls sideways')
        .toBeLessThanOrEqual(viewport.width);
      if (viewport.width >= 960) expect.soft(await clippedTables(page), 'no table hides columns').toEqual([]);
      for (const action of [...spec.actions(page), ...shellActions(page, viewport.width)]) {
        await expectUsable(action, viewport.width);
      }
    }
  });
}

test('the navigation opens from the menu button on a phone and every link fits', async () => {
  await page.setViewportSize(VIEWPORTS[0]);
  await page.goto('/');
  await page.getByRole('button', { name: 'Open navigation' }).click();
  const nav = page.getByRole('navigation', { name: 'Main' });
  const links = nav.getByRole('link');
  await expect(links.first()).toBeFocused();
  const count = await links.count();
  expect(count).toBeGreaterThanOrEqual(9);
  for (let i = 0; i < count; i++) await expectUsable(links.nth(i), VIEWPORTS[0].width);
  await page.screenshot({ path: path.join(ARTIFACTS, 'navigation-390.png'), style: HIDE_TOASTS });

  await nav.getByRole('link', { name: 'Model groups' }).click();
  await expect(page).toHaveURL(/\/model-groups$/);
  await expect(nav).toBeHidden();
  await expect(page.getByRole('button', { name: 'Open navigation' })).toBeVisible();
});
