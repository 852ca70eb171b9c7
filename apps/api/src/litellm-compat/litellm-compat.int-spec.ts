import { randomBytes } from 'node:crypto';
import { type FakeUpstream, startFakeUpstream } from '../../../fake-upstream/src';
import { createTestApp, TEST_MASTER_KEY, type TestApp } from '../testing/test-app';
import {
  litellmDeletedKeysSchema,
  litellmGeneratedKeySchema,
  litellmKeyInfoResponseSchema,
  litellmModelListSchema,
  litellmNewModelResponseSchema,
} from './litellm-compat.dto';
import { COMPAT_PROJECT } from './litellm-key.service';

const UPSTREAM_KEY = 'sk-compat-upstream-key-4242';

describe('LiteLLM Proxy compatibility endpoints (real PostgreSQL)', () => {
  let t: TestApp;
  let upstream: FakeUpstream;

  beforeAll(async () => {
    [t, upstream] = await Promise.all([createTestApp(), startFakeUpstream({ requireApiKey: UPSTREAM_KEY })]);
  });
  afterAll(async () => {
    await Promise.all([t?.close(), upstream?.close()]);
  });

  // Random, plus a counter: two random tags in one database could collide (about n² / 2^33).
  let uniques = 0;
  const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}${(uniques++).toString(36)}`;

  async function call(method: string, path: string, body?: unknown, token = TEST_MASTER_KEY) {
    const res = await fetch(`${t.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as Record<string, any>) : null };
  }

  const generate = async (body: Record<string, unknown> = {}) => {
    const res = await call('POST', '/key/generate', body);
    expect(res.status).toBe(200);
    return litellmGeneratedKeySchema.parse(res.json);
  };

  describe('/key/*', () => {
    it('generates a key the way LiteLLM answers, in the "LiteLLM compat" project, usable on /v1', async () => {
      const before = Date.now();
      const key = await generate({
        models: ['gpt-4.1'],
        key_alias: unique('alias'),
        max_budget: 25,
        budget_duration: '30d',
        rpm_limit: 60,
        tpm_limit: 100000,
        max_parallel_requests: 4,
        metadata: { team: 'search' },
        user_id: 'alice',
        duration: '1h',
      });
      expect(key.key).toMatch(/^sk-sb-/);
      expect(key.key_name).toBe(`sk-sb-${key.key.slice(6, 10)}…${key.key.slice(-4)}`);
      expect(key).toMatchObject({
        models: ['gpt-4.1'],
        max_budget: 25,
        budget_duration: '1mo',
        rpm_limit: 60,
        tpm_limit: 100000,
        max_parallel_requests: 4,
        metadata: { team: 'search', litellm_user_id: 'alice' },
        team_alias: COMPAT_PROJECT,
        blocked: false,
        token_id: key.token,
      });
      const expires = new Date(key.expires ?? 0).getTime();
      expect(expires).toBeGreaterThanOrEqual(before + 3600_000 - 1000);
      expect(expires).toBeLessThanOrEqual(Date.now() + 3600_000 + 1000);

      const again = await generate({});
      expect(again.team_id).toBe(key.team_id);
      const { rows } = await t.db.query('SELECT id FROM "Project" WHERE name = $1', [COMPAT_PROJECT]);
      expect(rows).toHaveLength(1);

      expect((await call('GET', '/v1/models', undefined, key.key)).status).toBe(200);
      const stored = await call('GET', `/api/keys/${key.token}`);
      expect(stored.json).toMatchObject({ budgetPeriod: 'monthly', maxBudgetUsd: 25, maxParallel: 4 });
    });

    it('uses team_id as a project id or name, and refuses an unknown one', async () => {
      const project = await call('POST', '/api/projects', { name: unique('team') });
      expect((await generate({ team_id: project.json?.id })).team_id).toBe(project.json?.id);
      expect((await generate({ team_id: project.json?.name })).team_id).toBe(project.json?.id);
      const unknown = await call('POST', '/key/generate', { team_id: 'no-such-team' });
      expect(unknown.status).toBe(400);
      expect(unknown.json?.error).toMatchObject({ type: 'invalid_request_error', code: 'validation_failed' });
      expect(unknown.json?.error.message).toContain('no-such-team');
    });

    it('refuses what it cannot honour instead of ignoring it', async () => {
      const period = await call('POST', '/key/generate', { max_budget: 5, budget_duration: '12h' });
      expect(period.status).toBe(400);
      expect(period.json?.error.message).toMatch(/budget_duration.*12h/);
      const duration = await call('POST', '/key/generate', { duration: 'forever' });
      expect(duration.status).toBe(400);
      const custom = await call('POST', '/key/generate', { key: 'sk-my-own-key' });
      expect(custom.status).toBe(400);
    });

    it('answers /key/info by secret or id, without the secret', async () => {
      const key = await generate({ key_alias: 'info-me', max_budget: 3 });
      for (const ref of [key.key, key.token]) {
        const res = await call('GET', `/key/info?key=${encodeURIComponent(ref)}`);
        expect(res.status).toBe(200);
        const body = litellmKeyInfoResponseSchema.parse(res.json);
        expect(body.key).toBe(key.token);
        expect(body.info).toMatchObject({
          key_alias: 'info-me',
          max_budget: 3,
          budget_duration: null,
          blocked: false,
        });
        expect(JSON.stringify(res.json)).not.toContain(key.key);
      }
      const missing = await call('GET', '/key/info?key=sk-sb-NotAKeyAtAll0000000000');
      expect(missing.status).toBe(404);
      expect(missing.json?.error.message).not.toContain('NotAKeyAtAll0000000000');
      expect((await call('GET', '/key/info')).status).toBe(400);
    });

    it('deletes (revokes) keys by secret and by alias, all or nothing', async () => {
      const a = await generate();
      const alias = unique('alias');
      const b = await generate({ key_alias: alias });

      const partial = await call('POST', '/key/delete', { keys: [a.key, 'sk-sb-unknown0000000000000'] });
      expect(partial.status).toBe(404);
      expect((await call('GET', '/v1/models', undefined, a.key)).status).toBe(200);

      const res = await call('POST', '/key/delete', { keys: [a.key], key_aliases: [alias] });
      expect(res.status).toBe(200);
      expect(litellmDeletedKeysSchema.parse(res.json).deleted_keys.sort()).toEqual([a.token, b.token].sort());
      expect((await call('GET', '/v1/models', undefined, a.key)).status).toBe(401);
      expect((await call('GET', '/v1/models', undefined, b.key)).status).toBe(401);
      expect((await call('GET', `/key/info?key=${a.token}`)).json?.info.blocked).toBe(true);
      expect((await call('POST', '/key/delete', {})).status).toBe(400);
    });

    it('refuses virtual keys and anonymous callers', async () => {
      const key = await generate();
      expect((await call('POST', '/key/generate', {}, key.key)).status).toBe(401);
      const anonymous = await fetch(`${t.url}/key/info?key=${key.token}`);
      expect(anonymous.status).toBe(401);
    });
  });

  describe('/model/*', () => {
    const envName = `COMPAT_KEY_${randomBytes(4).toString('hex').toUpperCase()}`;
    beforeAll(() => {
      process.env[envName] = UPSTREAM_KEY;
    });
    afterAll(() => {
      delete process.env[envName];
    });

    it('adds a model that serves traffic, lists it without its key, and deletes it', async () => {
      const group = unique('compat-gpt');
      // os.environ/ never reads the gateway's environment (issue #10): set there, it is still refused.
      const fromGatewayEnv = await call('POST', '/model/new', {
        model_name: group,
        litellm_params: { model: 'openai/gpt-4.1', api_base: upstream.url, api_key: `os.environ/${envName}` },
      });
      expect(fromGatewayEnv.status).toBe(400);
      expect(fromGatewayEnv.json?.error.message).toContain(envName);
      const res = await call('POST', '/model/new', {
        model_name: group,
        litellm_params: {
          model: 'openai/gpt-4.1',
          api_base: upstream.url,
          api_key: UPSTREAM_KEY,
          rpm: 30,
        },
        model_info: { id: 'litellm-side-id' },
      });
      expect(res.status).toBe(200);
      const created = litellmNewModelResponseSchema.parse(res.json);
      expect(created).toMatchObject({
        model_name: group,
        litellm_params: { model: 'openai/gpt-4.1', api_base: upstream.url, rpm: 30 },
        model_info: { id: created.model_id, db_model: true },
      });
      expect(JSON.stringify(res.json)).not.toContain(UPSTREAM_KEY);

      const chat = await call('POST', '/v1/chat/completions', {
        model: group,
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(chat.status).toBe(200);

      const listed = litellmModelListSchema.parse((await call('GET', '/model/info')).json);
      expect(listed.data.map((m) => m.model_info.id)).toContain(created.model_id);
      expect(JSON.stringify(listed)).not.toContain(UPSTREAM_KEY);
      const one = litellmModelListSchema.parse(
        (await call('GET', `/model/info?litellm_model_id=${created.model_id}`)).json,
      );
      expect(one.data).toHaveLength(1);

      const second = await call('POST', '/model/new', {
        model_name: group,
        litellm_params: { model: 'openai/gpt-4.1', api_base: upstream.url, api_key: UPSTREAM_KEY },
      });
      expect(second.json?.model_info.switchboard_deployment).toBe(
        `${created.model_info.switchboard_deployment}-2`,
      );

      const deleted = await call('POST', '/model/delete', { id: created.model_id });
      expect(deleted.status).toBe(200);
      expect(deleted.json?.message).toContain(created.model_id);
      expect((await call('GET', `/api/deployments/${created.model_id}`)).status).toBe(404);
      expect((await call('POST', '/model/delete', { id: created.model_id })).status).toBe(404);
    });

    it('explains what it cannot add: missing variables, unsupported providers, bad values', async () => {
      const missing = await call('POST', '/model/new', {
        model_name: 'm',
        litellm_params: { model: 'openai/gpt-4.1', api_key: 'os.environ/SURELY_NOT_SET_ANYWHERE' },
      });
      expect(missing.status).toBe(400);
      expect(missing.json?.error.message).toContain('SURELY_NOT_SET_ANYWHERE');

      const provider = await call('POST', '/model/new', {
        model_name: 'm',
        litellm_params: { model: 'bedrock/anthropic.claude-v2' },
      });
      expect(provider.status).toBe(400);
      expect(provider.json?.error.message).toContain("'bedrock/' is not supported");

      const invalid = await call('POST', '/model/new', {
        model_name: 'm',
        litellm_params: { model: 'hosted_vllm/x' },
      });
      expect(invalid.status).toBe(400);
      expect(invalid.json?.error.message).toContain('litellm_params.api_base');
    });
  });
});
