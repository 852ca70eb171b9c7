import { importPlanSchema, modelGroupSchema } from '@switchboard/contracts';
import { load } from 'js-yaml';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runImportCli } from '../../../../scripts/import-litellm';
import { type FakeUpstream, startFakeUpstream } from '../../../fake-upstream/src';
import { createTestApp, TEST_MASTER_KEY, type TestApp } from '../testing/test-app';

const KEYS = ['sk-upstream-one-0001', 'sk-upstream-two-0002', 'sk-upstream-three-0003'];

/** What people run in front of Dify: one model behind three keys. */
function difyConfig(group: string, apiBase: string, keyVars: string[]): string {
  const entries = keyVars
    .map(
      (v) => `  - model_name: ${group}
    litellm_params:
      model: openai/gpt-4.1
      api_base: ${apiBase}
      api_key: os.environ/${v}
    model_info:
      id: ${randomBytes(4).toString('hex')}`,
    )
    .join('\n');
  return `model_list:
${entries}
router_settings:
  routing_strategy: simple-shuffle
  num_retries: 2
general_settings:
  master_key: ${TEST_MASTER_KEY}
`;
}

describe('LiteLLM config import (real PostgreSQL)', () => {
  let t: TestApp;
  let upstream: FakeUpstream;
  /** Values sent with every import (the request's `env`): the gateway's environment is never read. */
  const supplied: Record<string, string> = {};

  function setEnv(values: Record<string, string>): string[] {
    Object.assign(supplied, values);
    return Object.keys(values);
  }

  beforeAll(async () => {
    [t, upstream] = await Promise.all([createTestApp(), startFakeUpstream({ requireApiKey: KEYS })]);
  });
  afterAll(async () => {
    await Promise.all([t?.close(), upstream?.close()]);
  });

  // Random, plus a counter: two random tags in one database could collide (about n² / 2^33).
  let uniques = 0;
  const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}${(uniques++).toString(36)}`;
  const uniqueVar = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex').toUpperCase()}`;

  async function importYaml(yaml: string, opts: { dryRun?: boolean; contentType?: string } = {}) {
    const res = await fetch(`${t.url}/api/import/litellm${opts.dryRun ? '?dryRun=true' : ''}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TEST_MASTER_KEY}`,
        'content-type': opts.contentType ?? 'application/json',
      },
      body: opts.contentType ? yaml : JSON.stringify({ yaml, env: supplied }),
    });
    const text = await res.text();
    return { status: res.status, text, json: text ? (JSON.parse(text) as Record<string, any>) : null };
  }

  async function get(path: string) {
    const res = await fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${TEST_MASTER_KEY}` } });
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  }

  async function auditCount(): Promise<number> {
    const { rows } = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM "AuditEvent"');
    return Number(rows[0]?.n);
  }

  function keyVars(): string[] {
    const vars = KEYS.map(() => uniqueVar('OPENAI_KEY'));
    setEnv(Object.fromEntries(vars.map((v, i) => [v, KEYS[i]!])));
    return vars;
  }

  it('dry-runs, applies and re-imports the Dify config: a working group, then nothing to do', async () => {
    const group = unique('gpt-4.1');
    const vars = keyVars();
    const yaml = difyConfig(group, upstream.url, vars);
    const auditBefore = await auditCount();

    const dry = await importYaml(yaml, { dryRun: true });
    expect(dry.status).toBe(200);
    const plan = importPlanSchema.parse(dry.json);
    expect(plan).toMatchObject({
      dryRun: true,
      warnings: [],
      summary: { create: 4, update: 0, unchanged: 1 },
    });
    expect(plan.changes.map((c) => [c.action, c.kind])).toEqual([
      ['create', 'modelGroup'],
      ['create', 'deployment'],
      ['create', 'deployment'],
      ['create', 'deployment'],
      ['unchanged', 'masterKey'],
    ]);
    // Named after their key variables (OPENAI_KEY_1A2B → openai_key_1a2b).
    const names = plan.changes.filter((c) => c.kind === 'deployment').map((c) => c.name);
    expect(names).toEqual(vars.map((v) => v.toLowerCase()));
    expect((await get(`/api/model-groups/${group}`)).status).toBe(404);
    expect(await auditCount()).toBe(auditBefore);

    const applied = await importYaml(yaml);
    expect(applied.status).toBe(200);
    expect(importPlanSchema.parse(applied.json)).toMatchObject({ dryRun: false, summary: plan.summary });
    const stored = modelGroupSchema.parse((await get(`/api/model-groups/${group}`)).json);
    expect(stored).toMatchObject({ strategy: 'weighted-shuffle', numRetries: 2, deploymentCount: 3 });
    const deployments = (await get(`/api/deployments?modelGroup=${group}`)).json.data as Record<
      string,
      unknown
    >[];
    const byName = (a: unknown[], b: unknown[]) => String(a[0]).localeCompare(String(b[0]));
    expect(
      deployments.map((d) => [d.name, d.provider, d.model, d.apiBase, d.apiKeyHint]).sort(byName),
    ).toEqual(
      names
        .map((name, i) => [name, 'openai', 'gpt-4.1', upstream.url, `sk-…${KEYS[i]!.slice(-4)}`])
        .sort(byName),
    );
    // group + 3 deployments + one summary event
    expect(await auditCount()).toBe(auditBefore + 5);

    upstream.reset();
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${t.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: group, messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { object: string }).object).toBe('chat.completion');
    }
    expect(Object.keys(upstream.stats().byKey).every((k) => KEYS.includes(k))).toBe(true);

    const again = await importYaml(yaml);
    expect(importPlanSchema.parse(again.json)).toMatchObject({
      dryRun: false,
      summary: { create: 0, update: 0, unchanged: 5 },
    });
    expect(await auditCount()).toBe(auditBefore + 5);
  });

  it('is one transaction: when the database refuses a row part-way, nothing of the import remains', async () => {
    const group = unique('gpt-4.1');
    const vars = keyVars();
    const last = vars[2]!.toLowerCase();
    const auditBefore = await auditCount();
    // An outside failure after the plan was validated: the third deployment's insert is refused.
    await t.db.query(`CREATE FUNCTION refuse_${last}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused by the test'; END $$`);
    await t.db.query(`CREATE TRIGGER refuse_${last} BEFORE INSERT ON "Deployment" FOR EACH ROW
      WHEN (NEW.name = '${last}') EXECUTE FUNCTION refuse_${last}()`);
    try {
      const res = await importYaml(difyConfig(group, upstream.url, vars));
      expect(res.status).toBe(500);
    } finally {
      await t.db.query(`DROP TRIGGER refuse_${last} ON "Deployment"`);
      await t.db.query(`DROP FUNCTION refuse_${last}()`);
    }

    expect((await get(`/api/model-groups/${group}`)).status).toBe(404);
    const { rows } = await t.db.query(`SELECT name FROM "Deployment" WHERE name = ANY($1)`, [
      vars.map((v) => v.toLowerCase()),
    ]);
    expect(rows).toEqual([]);
    expect(await auditCount()).toBe(auditBefore);

    // The same file imports whole once the refusal is gone.
    const again = await importYaml(difyConfig(group, upstream.url, vars));
    expect(again.status).toBe(200);
    expect(importPlanSchema.parse(again.json).summary).toMatchObject({ create: 4 });
  });

  it('updates only what changed, key included, and audits it', async () => {
    const group = unique('upd');
    const vars = keyVars();
    const yaml = difyConfig(group, upstream.url, vars);
    expect((await importYaml(yaml)).status).toBe(200);

    // The key is rotated where it lives: the variable keeps its name (and so the deployment its name).
    setEnv({ [vars[0]!]: 'sk-rotated-key-9999' });
    const changed = yaml
      .replace('num_retries: 2', 'num_retries: 5')
      .replace(`api_key: os.environ/${vars[2]}`, `api_key: os.environ/${vars[2]}\n      rpm: 100`);
    const before = await auditCount();
    const res = await importYaml(changed);
    const plan = importPlanSchema.parse(res.json);
    expect(plan.changes.filter((c) => c.action === 'update').map((c) => [c.kind, c.fields])).toEqual([
      ['modelGroup', ['numRetries']],
      ['deployment', ['apiKey']],
      ['deployment', ['rpmLimit']],
    ]);
    expect(plan.summary).toEqual({ create: 0, update: 3, unchanged: 2 });
    expect(await auditCount()).toBe(before + 4);
    const { rows } = await t.db.query<{ action: string; after: unknown }>(
      `SELECT action, after FROM "AuditEvent" ORDER BY id DESC LIMIT 4`,
    );
    expect(rows.map((r) => r.action).sort()).toEqual([
      'config.import',
      'deployment.update',
      'deployment.update',
      'model_group.update',
    ]);
    expect(JSON.stringify(rows)).not.toContain('sk-rotated-key-9999');
    expect((await get(`/api/model-groups/${group}`)).json.numRetries).toBe(5);
    expect(importPlanSchema.parse((await importYaml(changed)).json).summary.unchanged).toBe(5);
  });

  it('names every variable not supplied, skips the deployments needing them and writes nothing else', async () => {
    const group = unique('missing');
    const a = uniqueVar('MISSING');
    const b = uniqueVar('MISSING');
    const res = await importYaml(difyConfig(group, upstream.url, [a, b]));
    expect(res.status).toBe(200);
    const plan = importPlanSchema.parse(res.json);
    expect(plan.unresolved).toEqual([
      { variable: a, deployments: [a.toLowerCase()], paths: [] },
      { variable: b, deployments: [b.toLowerCase()], paths: [] },
    ]);
    expect(plan.skipped.map((d) => [d.name, d.modelGroup])).toEqual([
      [a.toLowerCase(), group],
      [b.toLowerCase(), group],
    ]);
    expect(plan.summary).toEqual({ create: 0, update: 0, unchanged: 1 });
    expect((await get(`/api/model-groups/${group}`)).status).toBe(404);
  });

  it('warns about keys it does not use and a different master key, never echoing it', async () => {
    const group = unique('warn');
    const yaml = `
model_list:
  - model_name: ${group}
    litellm_params: { model: openai/gpt-4.1, api_base: ${upstream.url}, api_key: k, stream_timeout: 10 }
  - model_name: ${group}
    litellm_params: { model: vertex_ai/gemini-pro }
litellm_settings: { drop_params: true, success_callback: [langfuse] }
general_settings: { master_key: sk-litellm-master-1234, alerting: [slack] }
`;
    const plan = importPlanSchema.parse((await importYaml(yaml, { dryRun: true })).json);
    expect(plan.warnings).toEqual(
      expect.arrayContaining([
        expect.stringContaining('litellm_params.stream_timeout'),
        expect.stringMatching(/vertex_ai\/' is not supported; skipped/),
        'litellm_settings.drop_params is not used by Switchboard; ignored.',
        'litellm_settings.success_callback is not used by Switchboard; ignored.',
        'general_settings.alerting is not used by Switchboard; ignored.',
        expect.stringMatching(/master_key differs.*set MASTER_KEY/),
      ]),
    );
    expect(JSON.stringify(plan)).not.toContain('sk-litellm-master-1234');
    expect(plan.changes.some((c) => c.kind === 'masterKey')).toBe(false);
  });

  it('maps fallbacks and routing strategy onto the groups, even when groups fall back to each other', async () => {
    const [a, b, c] = [unique('fa'), unique('fb'), unique('fc')];
    const entry = (g: string) =>
      `  - { model_name: ${g}, litellm_params: { model: openai/gpt-4.1, api_base: ${upstream.url}, api_key: k } }`;
    const yaml = `model_list:
${[a, b, c].map(entry).join('\n')}
router_settings:
  routing_strategy: usage-based-routing-v2
  allowed_fails: 5
  cooldown_time: 30
  timeout: 45
  fallbacks:
    - ${a}: [${b}, ${c}]
    - ${b}: [${a}]
    - ${c}: [${c}, no-such-group]
`;
    const res = await importYaml(yaml);
    expect(res.status).toBe(200);
    const plan = importPlanSchema.parse(res.json);
    expect(plan.warnings).toEqual([
      expect.stringContaining('cannot fall back to itself'),
      expect.stringContaining("no model group 'no-such-group'"),
    ]);
    const policy = { strategy: 'usage-based', allowedFails: 5, cooldownSeconds: 30, timeoutMs: 45000 };
    expect((await get(`/api/model-groups/${a}`)).json).toMatchObject({ ...policy, fallbacks: [b, c] });
    expect((await get(`/api/model-groups/${b}`)).json).toMatchObject({ ...policy, fallbacks: [a] });
    expect((await get(`/api/model-groups/${c}`)).json).toMatchObject({ ...policy, fallbacks: [] });
    expect(importPlanSchema.parse((await importYaml(yaml, { dryRun: true })).json).summary).toEqual({
      create: 0,
      update: 0,
      unchanged: 6,
    });
  });

  it('accepts every YAML content type, text/plain and JSON, and refuses YAML elsewhere', async () => {
    const yaml = `model_list: [{ model_name: ${unique('ct')}, litellm_params: { model: openai/gpt-4.1, api_key: k } }]`;
    for (const contentType of [
      'application/yaml',
      'application/x-yaml',
      'text/yaml',
      'text/plain; charset=utf-8',
    ]) {
      const res = await importYaml(yaml, { dryRun: true, contentType });
      expect([contentType, res.status]).toEqual([contentType, 200]);
    }
    const json = await importYaml(JSON.stringify({ yaml }), {
      dryRun: true,
      contentType: 'application/json',
    });
    expect(json.status).toBe(200);
    expect(importPlanSchema.parse(json.json).summary.create).toBe(2);

    const wrongJson = await importYaml(JSON.stringify({ config: yaml }), { contentType: 'application/json' });
    expect(wrongJson.status).toBe(400);
    expect(wrongJson.json?.error.message).toContain('{"yaml"');

    const elsewhere = await fetch(`${t.url}/api/model-groups`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/yaml' },
      body: 'name: x',
    });
    expect(elsewhere.status).toBe(415);

    const broken = await importYaml('model_list: [', { dryRun: true });
    expect(broken.status).toBe(400);
    expect(broken.json?.error.code).toBe('invalid_yaml');
  });

  it('npm run import:litellm prints the plan table, dry run or not', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sb-import-'));
    try {
      const group = unique('cli');
      const file = path.join(dir, 'config.yaml');
      await writeFile(file, difyConfig(group, upstream.url, keyVars()));
      const run = async (
        args: string[],
        // The shell the CLI runs in holds the key variables; it sends only those the file references.
        env: NodeJS.ProcessEnv = { SWITCHBOARD_URL: t.url, MASTER_KEY: TEST_MASTER_KEY, ...supplied },
      ) => {
        const lines: string[] = [];
        const code = await runImportCli(args, env, {
          log: (l) => lines.push(l),
          error: (l) => lines.push(l),
        });
        return { code, text: lines.join('\n') };
      };

      const dry = await run([file, '--dry-run']);
      expect(dry.code).toBe(0);
      expect(dry.text).toMatch(/^Dry run: nothing was changed\.\n\nACTION\s+KIND\s+NAME\s+FIELDS\n/);
      expect(dry.text).toMatch(new RegExp(`create\\s+modelGroup\\s+${group.replace('.', '\\.')}`));
      expect(dry.text).toContain('4 to create, 0 to update, 1 unchanged.');
      expect((await get(`/api/model-groups/${group}`)).status).toBe(404);

      const applied = await run([file]);
      expect(applied.code).toBe(0);
      expect(applied.text).toContain('4 created, 0 updated, 1 unchanged.');
      expect((await run([file])).text).toContain('0 created, 0 updated, 5 unchanged.');

      const refused = await run([file], { SWITCHBOARD_URL: t.url, MASTER_KEY: 'wrong-master-key' });
      expect(refused.code).toBe(1);
      expect(refused.text).toContain('HTTP 401');
      expect((await run([])).code).toBe(2);
      expect((await run([file, '--force'])).code).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses anonymous callers', async () => {
    const res = await fetch(`${t.url}/api/import/litellm?dryRun=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/yaml' },
      body: 'model_list: []',
    });
    expect(res.status).toBe(401);
    expect((await fetch(`${t.url}/api/export/litellm`)).status).toBe(401);
  });
});

describe('LiteLLM config export (real PostgreSQL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  async function call(method: string, path: string, body?: unknown) {
    const res = await fetch(`${t.url}${path}`, {
      method,
      headers: body === undefined ? { authorization: t.adminHeaders.authorization! } : t.adminHeaders,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  it('exports without keys and imports back with nothing to change', async () => {
    const keys: Record<string, string> = {
      'gpt-a': 'sk-export-secret-aaaa',
      'gpt-b': 'sk-export-secret-bbbb',
      'vllm-1': 'token-cccc',
    };
    expect((await call('POST', '/api/model-groups', { name: 'backup', strategy: 'least-busy' })).status).toBe(
      201,
    );
    expect(
      (
        await call('POST', '/api/model-groups', {
          name: 'main',
          strategy: 'priority',
          fallbacks: ['backup'],
          timeoutMs: 20000,
        })
      ).status,
    ).toBe(201);
    const deployments = [
      {
        name: 'gpt-a',
        modelGroup: 'main',
        provider: 'openai',
        model: 'gpt-4.1',
        apiKey: keys['gpt-a'],
        priority: 1,
        rpmLimit: 60,
      },
      {
        name: 'gpt-b',
        modelGroup: 'main',
        provider: 'openai',
        model: 'gpt-4.1',
        apiKey: keys['gpt-b'],
        weight: 3,
      },
      {
        name: 'vllm-1',
        modelGroup: 'backup',
        provider: 'openai-compatible',
        model: 'Qwen/Qwen3-8B',
        apiBase: 'http://vllm:8000/v1',
        apiKey: keys['vllm-1'],
        tags: ['local'],
        timeoutMs: 90000,
      },
      { name: 'claude', modelGroup: 'backup', provider: 'anthropic', model: 'claude-sonnet-4' },
      { name: 'off', modelGroup: 'backup', provider: 'openai', model: 'gpt-4o', enabled: false },
    ];
    for (const d of deployments) expect((await call('POST', '/api/deployments', d)).status).toBe(201);

    const exported = await call('GET', '/api/export/litellm');
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toContain('application/yaml');
    for (const secret of Object.values(keys)) expect(exported.text).not.toContain(secret);
    expect(exported.text).toContain('API keys are NOT exported');
    const doc = load(exported.text) as { model_list: { litellm_params: Record<string, unknown> }[] };
    expect(doc.model_list.map((e) => e.litellm_params.model)).toEqual([
      'anthropic/claude-sonnet-4',
      'custom_openai/Qwen/Qwen3-8B',
      'openai/gpt-4.1',
      'openai/gpt-4.1',
    ]);

    // The operator sets the placeholder variables to the keys, then imports the file back.
    const placeholders = [...exported.text.matchAll(/#\s+(SWITCHBOARD_KEY_\w+)\s+\(deployment ([^,]+),/g)];
    expect(placeholders.map((m) => m[2]).sort()).toEqual(['gpt-a', 'gpt-b', 'vllm-1']);
    const env = Object.fromEntries(placeholders.map(([, variable, name]) => [variable!, keys[name!]!]));
    const res = await fetch(`${t.url}/api/import/litellm?dryRun=true`, {
      method: 'POST',
      headers: t.adminHeaders,
      body: JSON.stringify({ yaml: exported.text, env }),
    });
    const plan = importPlanSchema.parse(await res.json());
    expect(plan.changes.filter((c) => c.action !== 'unchanged')).toEqual([]);
    expect(plan.summary).toEqual({ create: 0, update: 0, unchanged: 6 });
  });
});
