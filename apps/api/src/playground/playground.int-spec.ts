import {
  PLAYGROUND_SUMMARY_EVENT,
  type PlaygroundSummary,
  playgroundCompletionSchema,
  playgroundSummarySchema,
  requestLogPageSchema,
  virtualKeySchema,
} from '@switchboard/contracts';
import { type FakeUpstream, startFakeUpstream } from '../../../fake-upstream/src';
import { addAccount, apiTokenFor, CSRF_HEADER, loginCookie } from '../accounts/testing/accounts';
import { adminCall, createKey, uniqueName } from '../keys/testing/admin-client';
import { createTestApp, type TestApp } from '../testing/test-app';

/**
 * The console's playground through HTTP only: a chat sent as a key picked by id runs the real data plane
 * (fake upstreams at the network edge) and ends with the request log's figures for it.
 */
describe('POST /api/playground/chat', () => {
  let t: TestApp;
  let up: FakeUpstream;
  let down: FakeUpstream;
  let fine: FakeUpstream;
  const GROUP = 'pg-gpt';
  const FAILOVER = 'pg-failover';

  async function addDeployment(name: string, modelGroup: string, apiBase: string, priority = 0) {
    const res = await adminCall(t, 'POST', '/api/deployments', {
      name,
      modelGroup,
      provider: 'openai-compatible',
      model: 'pg-model',
      apiBase,
      apiKey: 'sk-upstream',
      priority,
    });
    expect(res.status).toBe(201);
  }

  beforeAll(async () => {
    t = await createTestApp();
    up = await startFakeUpstream({ name: 'pg-up', completionTokens: 8 });
    down = await startFakeUpstream({ name: 'pg-down', fault: { kind: 'status', status: 500 } });
    fine = await startFakeUpstream({ name: 'pg-fine', completionTokens: 4 });
    await addDeployment('pg-up-0', GROUP, up.url);
    // The failing deployment is tried first (priority), the fine one answers.
    await addDeployment('pg-down-0', FAILOVER, down.url, 0);
    await addDeployment('pg-fine-0', FAILOVER, fine.url, 1);
    expect(
      (await adminCall(t, 'PATCH', `/api/model-groups/${FAILOVER}`, { strategy: 'priority' })).status,
    ).toBe(200);
    // Every request costs something, so spend and cost are visible.
    expect(
      (
        await adminCall(t, 'PUT', '/api/prices/pg-model', {
          inputUsdPerMTokens: 1000,
          outputUsdPerMTokens: 2000,
        })
      ).status,
    ).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([up?.close(), down?.close(), fine?.close()]);
  });

  function send(body: Record<string, unknown>, headers: Record<string, string> = t.adminHeaders) {
    return fetch(`${t.url}/api/playground/chat`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  const chat = (keyId: string | null, extra: Record<string, unknown> = {}) => ({
    keyId,
    model: GROUP,
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Say hello' },
    ],
    stream: true,
    ...extra,
  });

  /** SSE events as the console reads them: name (default `message`) and data. */
  function parseSse(text: string): { event: string; data: string }[] {
    return text
      .split('\n\n')
      .filter((block) => block.trim() && !block.startsWith(':'))
      .map((block) => {
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        return { event, data: data.join('\n') };
      });
  }

  function contentOf(events: { event: string; data: string }[]): string[] {
    return events
      .filter((e) => e.event === 'message' && e.data !== '[DONE]')
      .map((e) => JSON.parse(e.data) as { choices: { delta?: { content?: string } }[] })
      .map((c) => c.choices[0]?.delta?.content ?? '')
      .filter(Boolean);
  }

  function summaryOf(events: { event: string; data: string }[]): PlaygroundSummary {
    const last = events[events.length - 1]!;
    expect(last.event).toBe(PLAYGROUND_SUMMARY_EVENT);
    return playgroundSummarySchema.parse(JSON.parse(last.data));
  }

  async function logsFor(query: string, count = 1) {
    for (let i = 0; i < 200; i++) {
      const page = requestLogPageSchema.parse((await adminCall(t, 'GET', `/api/logs?${query}`)).body);
      if (page.data.length >= count) return page.data;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`fewer than ${count} log rows for ${query}`);
  }

  it("streams the upstream's chunks as a key would get them, then one switchboard event with the log's figures", async () => {
    const key = await createKey(t, { alias: uniqueName('pg') });
    const res = await send(chat(key.id));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = parseSse(await res.text());
    // The data plane's own chunks: several content deltas, its [DONE], then ours.
    const content = contentOf(events);
    expect(content.length).toBeGreaterThan(1);
    expect(content.join('')).toMatch(/lorem/);
    expect(events.some((e) => e.data === '[DONE]')).toBe(true);
    const summary = summaryOf(events);
    expect(summary).toMatchObject({
      requestId: res.headers.get('x-request-id'),
      modelGroup: GROUP,
      deployment: 'pg-up-0',
      status: 200,
      errorType: null,
      endUser: 'playground:master-key',
    });
    expect(summary.attempts).toEqual([
      expect.objectContaining({ deployment: 'pg-up-0', modelGroup: GROUP, status: 200, errorKind: null }),
    ]);
    expect(summary.completionTokens).toBe(8);
    expect(summary.promptTokens).toBeGreaterThan(0);
    expect(summary.totalTokens).toBe(summary.promptTokens + summary.completionTokens);
    expect(summary.costUsd).toBeCloseTo((summary.promptTokens * 1000 + 8 * 2000) / 1e6, 9);
    expect(summary.ttftMs).not.toBeNull();
  });

  it('is logged under the key and its project, marked as the playground, and adds to the key spend', async () => {
    const key = await createKey(t, { alias: uniqueName('pg') });
    const before = virtualKeySchema.parse((await adminCall(t, 'GET', `/api/keys/${key.id}`)).body);
    const res = await send(chat(key.id));
    const summary = summaryOf(parseSse(await res.text()));

    const [row] = await logsFor(`requestId=${summary.requestId}`);
    expect(row).toMatchObject({
      requestId: summary.requestId,
      keyId: key.id,
      projectId: key.projectId,
      modelGroup: GROUP,
      deploymentName: 'pg-up-0',
      status: 200,
      endUser: 'playground:master-key',
      totalTokens: summary.totalTokens,
      stream: true,
    });
    expect(row!.costUsd).toBeCloseTo(summary.costUsd, 9);
    // The key's spend grows by the request's cost (written with the log batch).
    for (let i = 0; i < 200; i++) {
      const after = virtualKeySchema.parse((await adminCall(t, 'GET', `/api/keys/${key.id}`)).body);
      if (after.spendUsd > before.spendUsd) {
        expect(after.spendUsd - before.spendUsd).toBeCloseTo(summary.costUsd, 9);
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error("the key's spend did not grow");
  });

  it('shows both attempts when the first deployment fails and another answers', async () => {
    const res = await send(chat(null, { model: FAILOVER }));
    expect(res.status).toBe(200);
    const events = parseSse(await res.text());
    expect(contentOf(events).length).toBeGreaterThan(0);
    const summary = summaryOf(events);
    expect(summary.deployment).toBe('pg-fine-0');
    expect(summary.attempts.map((a) => [a.deployment, a.status])).toEqual([
      ['pg-down-0', 500],
      ['pg-fine-0', 200],
    ]);
    expect(summary.attempts[0]!.errorKind).not.toBeNull();
  });

  it('answers a non-stream chat with the completion and a switchboard object', async () => {
    const key = await createKey(t);
    const res = await send(chat(key.id, { stream: false, max_tokens: 3 }));
    expect(res.status).toBe(200);
    const body = playgroundCompletionSchema.parse(await res.json());
    expect(body.choices?.[0]?.message?.content).toEqual(expect.stringMatching(/\w/));
    expect(body.switchboard).toMatchObject({ deployment: 'pg-up-0', status: 200, completionTokens: 3 });
    expect(body.switchboard.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('answers a failure of every deployment with its status, the admin envelope and the attempts', async () => {
    const group = uniqueName('pg-dead');
    await addDeployment(`${group}-0`, group, down.url);
    const res = await send(chat(null, { model: group }));
    expect(res.status).toBe(502);
    const body = (await res.json()) as { error: { code: string; message: string }; switchboard: unknown };
    expect(body.error.code).toBe('upstream_error');
    const summary = playgroundSummarySchema.parse(body.switchboard);
    expect(summary.deployment).toBeNull();
    expect(summary.attempts.length).toBeGreaterThan(0);
    expect(summary.attempts.every((a) => a.status === 500)).toBe(true);
  });

  it('refuses a revoked key with a 4xx that says so', async () => {
    const key = await createKey(t, { alias: uniqueName('gone') });
    expect((await adminCall(t, 'POST', `/api/keys/${key.id}/revoke`)).status).toBe(200);
    const res = await send(chat(key.id));
    expect(res.status).toBe(403);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('key_revoked');
    expect(body.error.message).toMatch(/revoked/);
  });

  it('refuses an expired key with a 4xx that says so', async () => {
    const key = await createKey(t);
    await t.db.query(`UPDATE "VirtualKey" SET "expiresAt" = now() - interval '1 minute' WHERE id = $1`, [
      key.id,
    ]);
    // The key registry reloads from the database within a few seconds.
    for (let i = 0; i < 200; i++) {
      const res = await send(chat(key.id));
      if (res.status === 403) {
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe('key_expired');
        expect(body.error.message).toMatch(/expired/);
        return;
      }
      await res.arrayBuffer();
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the expired key was never refused');
  });

  it("refuses a model the key may not use with the data plane's 403 and logs the refusal as the playground", async () => {
    const key = await createKey(t, { alias: uniqueName('narrow'), models: [FAILOVER] });
    const res = await send(chat(key.id));
    expect(res.status).toBe(403);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('model_not_allowed');
    expect(body.error.message).toContain(`'${GROUP}'`);
    const [row] = await logsFor(`keyId=${key.id}&status=403`);
    expect(row).toMatchObject({ status: 403, endUser: 'playground:master-key', modelGroup: GROUP });
  });

  it("applies the key's rate limit (429 with the data plane's code)", async () => {
    const key = await createKey(t, { rpmLimit: 1 });
    // Not at a minute's edge, so both requests fall in one window.
    const left = 60_000 - (Date.now() % 60_000);
    if (left < 3000) await new Promise((r) => setTimeout(r, left + 50));
    expect((await send(chat(key.id, { stream: false }))).status).toBe(200);
    const res = await send(chat(key.id, { stream: false }));
    expect(res.status).toBe(429);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('rate_limit_exceeded');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('answers 404 for an unknown key and 400 for a bad body', async () => {
    const res = await send(chat('3f2b8c1e-5d4a-4b6f-9e7d-0a1b2c3d4e5f'));
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('key_not_found');
    expect((await send({ ...chat(null), keyId: 'not-a-uuid' })).status).toBe(400);
    expect((await send({ ...chat(null), messages: [] })).status).toBe(400);
    expect((await send({ ...chat(null), messages: [{ role: 'system', content: 'only' }] })).status).toBe(400);
    expect((await send({ ...chat(null), model: 'no-such-group' })).status).toBe(404);
  });

  it('refuses hostile sizes: a huge message with 400, a body over the limit with 413', async () => {
    const huge = await send(chat(null, { messages: [{ role: 'user', content: 'x'.repeat(100_001) }] }));
    expect(huge.status).toBe(400);
    const many = await send(
      chat(null, { messages: Array.from({ length: 51 }, () => ({ role: 'user', content: 'hi' })) }),
    );
    expect(many.status).toBe(400);
    // The test app accepts bodies up to 1 MiB.
    const tooBig = await send(
      chat(null, {
        messages: Array.from({ length: 20 }, () => ({ role: 'user', content: 'y'.repeat(90_000) })),
      }),
    );
    expect(tooBig.status).toBe(413);
  });

  it('is closed to viewers and project members (403), and to virtual keys (401)', async () => {
    const key = await createKey(t);
    await addAccount(t, 'pg-viewer@example.com', 'viewer');
    await addAccount(t, 'pg-member@example.com', 'project-member', [key.projectId]);
    const operatorId = await addAccount(t, 'pg-operator@example.com', 'operator');
    for (const email of ['pg-viewer@example.com', 'pg-member@example.com']) {
      const token = await apiTokenFor(t, email);
      const res = await send(chat(key.id), { authorization: `Bearer ${token}` });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    }
    const operator = await apiTokenFor(t, 'pg-operator@example.com');
    const res = await send(chat(key.id), { authorization: `Bearer ${operator}` });
    expect(res.status).toBe(200);
    const summary = summaryOf(parseSse(await res.text()));
    // The log names who sent it from the console, by account id: an API token acts for its account.
    expect(summary.endUser).toBe(`playground:account:${operatorId}`);
    // Console sessions: an account by its id, one opened with the master key as the master key.
    up.reset();
    const account = await send(chat(key.id, { stream: false }), {
      cookie: await loginCookie(t, 'pg-operator@example.com'),
      ...CSRF_HEADER,
    });
    expect(((await account.json()) as { switchboard: PlaygroundSummary }).switchboard.endUser).toBe(
      `playground:account:${operatorId}`,
    );
    // The upstream is told an opaque end user, never the operator's email.
    const upstreamBodies = up.requests().map((r) => r.body);
    expect(upstreamBodies).toHaveLength(1);
    expect(upstreamBodies[0]).toMatchObject({ user: `playground:account:${operatorId}` });
    expect(JSON.stringify(upstreamBodies)).not.toContain('example.com');
    const login = await fetch(`${t.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...CSRF_HEADER },
      body: JSON.stringify({ masterKey: t.config.masterKey }),
    });
    const masterCookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const master = await send(chat(key.id, { stream: false }), { cookie: masterCookie, ...CSRF_HEADER });
    expect(((await master.json()) as { switchboard: PlaygroundSummary }).switchboard.endUser).toBe(
      'playground:master-key',
    );
    // A virtual key is no admin credential.
    const asKey = await send(chat(key.id), { authorization: `Bearer ${key.key}` });
    expect(asKey.status).toBe(401);
  });

  it('cannot be reached from the /v1 surface: no playground route there, no key chosen by id', async () => {
    const key = await createKey(t);
    for (const path of ['/v1/playground/chat', '/playground/chat']) {
      const res = await fetch(`${t.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' },
        body: JSON.stringify(chat(key.id)),
      });
      expect(res.status).toBe(404);
    }
    // A /v1 request naming a key id (body or header) without that key's secret is still unauthenticated.
    const res = await fetch(`${t.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-switchboard-key-id': key.id },
      body: JSON.stringify({ ...chat(key.id), keyId: key.id }),
    });
    expect(res.status).toBe(401);
  });

  it('aborts the upstream request when the console goes away mid-stream', async () => {
    const slow = await startFakeUpstream({ name: 'pg-slow', tokensPerSecond: 5, completionTokens: 200 });
    try {
      const group = uniqueName('pg-slow');
      await addDeployment(`${group}-0`, group, slow.url);
      const key = await createKey(t);
      const res = await send(chat(key.id, { model: group }));
      const reader = res.body!.getReader();
      // Wait for the first content chunk, then hang up.
      let seen = '';
      while (!seen.includes('lorem')) {
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended early');
        seen += Buffer.from(value).toString('utf8');
      }
      await reader.cancel();
      // The row says the client went away (a finished stream would be a 200) and the upstream sees no request in flight.
      const [row] = await logsFor(`keyId=${key.id}`);
      expect(row!.status).toBe(499);
      for (let i = 0; i < 200 && slow.stats().inFlight > 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(slow.stats().inFlight).toBe(0);
    } finally {
      await slow.close();
    }
  });
});
