import { importPlanSchema } from '@switchboard/contracts';
import { randomBytes } from 'node:crypto';
import { referencedEnv } from '../../../../scripts/import-litellm';
import { type FakeUpstream, startFakeUpstream } from '../../../fake-upstream/src';
import { derivedDeploymentName } from './litellm-config.reader';
import { createTestApp, TEST_MASTER_KEY, type TestApp } from '../testing/test-app';

// Issue #10 hole 3: `os.environ/NAME` in an imported file must never read the gateway's own environment.
const GATEWAY_SECRETS: Record<string, string> = {
  ENCRYPTION_KEY: 'gateway-encryption-key-must-stay-home-0001',
  MASTER_KEY: 'sk-gateway-master-key-must-stay-home-0002',
  DATABASE_URL: 'postgres://sb:db-password-must-stay-home@127.0.0.1:1/sb',
};

describe('LiteLLM import never resolves the gateway environment (real PostgreSQL)', () => {
  let t: TestApp;
  let upstream: FakeUpstream;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    for (const [name, value] of Object.entries(GATEWAY_SECRETS)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
    [t, upstream] = await Promise.all([createTestApp(), startFakeUpstream()]);
  });
  afterAll(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await Promise.all([t?.close(), upstream?.close()]);
  });

  // Random, plus a counter: two random tags in one database could collide (about n² / 2^33).
  let uniques = 0;
  const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}${(uniques++).toString(36)}`;

  async function importBody(body: string, contentType: string, dryRun: boolean) {
    const res = await fetch(`${t.url}/api/import/litellm${dryRun ? '?dryRun=true' : ''}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': contentType },
      body,
    });
    const text = await res.text();
    return { status: res.status, text, json: JSON.parse(text) as Record<string, unknown> };
  }

  async function chat(group: string) {
    const res = await fetch(`${t.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: group, messages: [{ role: 'user', content: 'hi' }] }),
    });
    return res.status;
  }

  it('lists the references as unresolved, skips those deployments and sends the secrets nowhere', async () => {
    const groups = Object.keys(GATEWAY_SECRETS).map(() => unique('exfil'));
    const good = unique('good');
    const entries = Object.keys(GATEWAY_SECRETS).map(
      (name, i) => `  - model_name: ${groups[i]}
    litellm_params: { model: openai/gpt-4.1, api_base: ${upstream.url}, api_key: os.environ/${name} }`,
    );
    const yaml = `model_list:
${entries.join('\n')}
  - model_name: ${good}
    litellm_params: { model: openai/gpt-4.1, api_base: ${upstream.url}, api_key: os.environ/FILE_GOOD_KEY }
environment_variables:
  FILE_GOOD_KEY: sk-from-the-file-0003
`;

    const dry = await importBody(yaml, 'application/yaml', true);
    expect(dry.status).toBe(200);
    const plan = importPlanSchema.parse(dry.json);
    expect(plan.unresolved.map((u) => u.variable).sort()).toEqual(Object.keys(GATEWAY_SECRETS).sort());
    for (const u of plan.unresolved) expect(u.deployments).toHaveLength(1);
    expect(plan.skipped.map((s) => s.reason)).toEqual(
      Object.keys(GATEWAY_SECRETS).map((name) => expect.stringContaining(name)),
    );
    expect(plan.changes.filter((c) => c.kind === 'deployment').map((c) => c.action)).toEqual(['create']);

    const applied = await importBody(yaml, 'application/yaml', false);
    expect(applied.status).toBe(200);
    for (const secret of Object.values(GATEWAY_SECRETS)) expect(applied.text).not.toContain(secret);

    // Whatever got created, drive traffic through it: no secret may reach the importer's api_base.
    upstream.reset();
    for (const group of groups) expect(await chat(group)).not.toBe(200);
    expect(await chat(good)).toBe(200);
    const seen = JSON.stringify({ keys: upstream.stats().byKey, requests: upstream.requests() });
    for (const secret of Object.values(GATEWAY_SECRETS)) expect(seen).not.toContain(secret);
    expect(Object.keys(upstream.stats().byKey)).toEqual(['sk-from-the-file-0003']);
  });

  it('resolves from the env map and .env block sent with the import, never echoing the values', async () => {
    const group = unique('sent');
    const yaml = `model_list:
  - model_name: ${group}
    litellm_params: { model: openai/gpt-4.1, api_base: ${upstream.url}, api_key: os.environ/ENCRYPTION_KEY }
  - model_name: ${group}
    litellm_params: { model: openai/gpt-4.1, api_base: ${upstream.url}, api_key: os.environ/OPERATOR_API_KEY }
`;
    const body = JSON.stringify({
      yaml,
      env: { ENCRYPTION_KEY: 'sk-operator-supplied-0004' },
      dotenv: '# keys\nexport OPERATOR_API_KEY="sk-from-dotenv-0005"\n',
    });
    const res = await importBody(body, 'application/json', false);
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('sk-operator-supplied-0004');
    expect(res.text).not.toContain('sk-from-dotenv-0005');
    const plan = importPlanSchema.parse(res.json);
    expect(plan.unresolved).toEqual([]);
    expect(plan.summary.create).toBe(3);

    // The group spreads at random over its two deployments: send until both keys have been seen
    // (at most 64 requests; missing one of two equal deployments that often has odds of 2^-63).
    upstream.reset();
    const expected = ['sk-from-dotenv-0005', 'sk-operator-supplied-0004'];
    for (let i = 0; i < 64 && Object.keys(upstream.stats().byKey).length < expected.length; i++) {
      expect(await chat(group)).toBe(200);
    }
    expect(Object.keys(upstream.stats().byKey).sort()).toEqual(expected);
    expect(JSON.stringify(upstream.requests())).not.toContain(GATEWAY_SECRETS.ENCRYPTION_KEY);
  });

  async function admin(method: string, path: string, body?: unknown) {
    const res = await fetch(`${t.url}${path}`, {
      method,
      headers: t.adminHeaders,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  it('plans the seed-style config against what is stored: named after variables, diffed, renamable', async () => {
    const group = unique('gpt-4.1');
    expect((await admin('POST', '/api/model-groups', { name: group })).status).toBe(201);
    const stored = { modelGroup: group, provider: 'openai', model: 'gpt-4.1', apiBase: upstream.url };
    expect(
      (await admin('POST', '/api/deployments', { ...stored, name: 'pj1', apiKey: 'sk-pj1' })).status,
    ).toBe(201);
    expect(
      (await admin('POST', '/api/deployments', { ...stored, name: 'pj2', apiKey: 'sk-pj2', rpmLimit: 50 }))
        .status,
    ).toBe(201);
    const entry = (variable: string, extra = '') =>
      `  - model_name: ${group}
    litellm_params: { model: openai/gpt-4.1, api_base: ${upstream.url}, api_key: os.environ/${variable}${extra} }`;
    const yaml = `model_list:
${entry('PJ1_KEY')}
${entry('PJ2_KEY', ', rpm: 100')}
${entry('PJ3_API_KEY')}
`;
    const dotenv = 'PJ1_KEY=sk-pj1\nexport PJ2_KEY=\'sk-pj2\'\nPJ3_API_KEY="sk-pj3" # project three\n';

    const dry = await importBody(JSON.stringify({ yaml, dotenv }), 'application/json', true);
    expect(dry.status).toBe(200);
    for (const secret of ['sk-pj1', 'sk-pj2', 'sk-pj3']) expect(dry.text).not.toContain(secret);
    const plan = importPlanSchema.parse(dry.json);
    const deployments = plan.changes.filter((c) => c.kind === 'deployment');
    expect(deployments.map((c) => [c.name, c.action, c.fields])).toEqual([
      ['pj1', 'unchanged', []],
      ['pj2', 'update', ['rpmLimit']],
      ['pj3', 'create', []],
    ]);
    expect(deployments[1]!.diff).toEqual([{ field: 'rpmLimit', before: '50', after: '100' }]);
    expect(deployments[2]!.diff).toEqual(
      expect.arrayContaining([
        { field: 'model', before: null, after: 'gpt-4.1' },
        { field: 'apiKey', before: null, after: null },
      ]),
    );

    const applied = await importBody(
      JSON.stringify({ yaml, dotenv, names: { pj3: 'project-three' } }),
      'application/json',
      false,
    );
    const done = importPlanSchema.parse(applied.json);
    expect(done.changes.find((c) => c.name === 'project-three')).toMatchObject({
      action: 'create',
      proposedName: 'pj3',
    });
    expect(done.summary).toEqual({ create: 1, update: 1, unchanged: 2 });
    const listed = (await admin('GET', `/api/deployments?modelGroup=${group}`)).json.data as {
      name: string;
    }[];
    expect(listed.map((d) => d.name).sort()).toEqual(['pj1', 'pj2', 'project-three']);
    expect((await admin('GET', `/api/deployments/${encodeURIComponent('pj3')}`)).status).toBe(404);
  });

  it('finds a deployment imported under the earlier derived name instead of creating a twin', async () => {
    const group = unique('legacy');
    const legacy = derivedDeploymentName(group, `${group}\nopenai/gpt-4.1\n${upstream.url}`, 1);
    expect((await admin('POST', '/api/model-groups', { name: group })).status).toBe(201);
    expect(
      (
        await admin('POST', '/api/deployments', {
          name: legacy,
          modelGroup: group,
          provider: 'openai',
          model: 'gpt-4.1',
          apiBase: upstream.url,
          apiKey: 'sk-legacy',
        })
      ).status,
    ).toBe(201);
    const yaml = `model_list:
  - model_name: ${group}
    litellm_params: { model: openai/gpt-4.1, api_base: ${upstream.url}, api_key: os.environ/LEGACY_KEY }
`;
    const res = await importBody(
      JSON.stringify({ yaml, env: { LEGACY_KEY: 'sk-legacy' } }),
      'application/json',
      true,
    );
    const plan = importPlanSchema.parse(res.json);
    expect(plan.changes.filter((c) => c.kind === 'deployment').map((c) => [c.name, c.action])).toEqual([
      [legacy, 'unchanged'],
    ]);
  });

  it('refuses a .env block it cannot read without echoing it, and a rename that clashes', async () => {
    const yaml = `model_list:
  - { model_name: ${unique('env')}, litellm_params: { model: openai/gpt-4.1, api_key: os.environ/A_KEY } }
  - { model_name: ${unique('env')}, litellm_params: { model: openai/gpt-4.1, api_key: os.environ/B_KEY } }
`;
    const bad = await importBody(
      JSON.stringify({ yaml, dotenv: 'A_KEY=fine\nsk-pasted-without-a-name-0006\n' }),
      'application/json',
      true,
    );
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { code: 'invalid_dotenv' } });
    expect(bad.text).toContain('line 2');
    expect(bad.text).not.toContain('sk-pasted-without-a-name-0006');

    const clash = await importBody(
      JSON.stringify({ yaml, env: { A_KEY: 'x', B_KEY: 'y' }, names: { a: 'b' } }),
      'application/json',
      true,
    );
    expect(clash.status).toBe(400);
  });

  it('treats variables named like Object members as plain names, not as inherited values', async () => {
    const yaml = `model_list:
  - { model_name: ${unique('proto')}, litellm_params: { model: openai/gpt-4.1, api_key: os.environ/constructor } }
environment_variables: { OTHER: x }
`;
    const res = await importBody(JSON.stringify({ yaml, env: {} }), 'application/json', true);
    expect(res.status).toBe(200);
    const plan = importPlanSchema.parse(res.json);
    expect(plan.unresolved.map((u) => [u.variable, u.deployments])).toEqual([
      ['constructor', ['constructor']],
    ]);
    expect(res.text).not.toContain('native code');
  });

  it('the CLI sends only the variables the file references', () => {
    const yaml =
      'model_list: [{ litellm_params: { api_key: os.environ/WANTED_KEY, api_base: os.environ/UNSET } }]';
    expect(referencedEnv(yaml, { WANTED_KEY: 'sk-w', MASTER_KEY: 'sk-m', ENCRYPTION_KEY: 'e' })).toEqual({
      WANTED_KEY: 'sk-w',
    });
  });
});
