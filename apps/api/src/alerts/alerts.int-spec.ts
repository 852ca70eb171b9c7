import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { alertChannelSchema, alertEventPageSchema, alertRuleSchema } from '@switchboard/contracts';
import { type FakeUpstream, startFakeUpstream } from '../../../fake-upstream/src';
import { adminCall, createProject } from '../keys/testing/admin-client';
import { seedRouting } from '../testing/seed';
import { createTestApp, type TestApp } from '../testing/test-app';
import { createTestDatabase } from '../testing/test-database';
import { RequestLogWriter } from '../usage/request-log.writer';
import { AlertEvaluator } from './alert-evaluator.service';
import { EVALUATION_LOCK } from './alerts.repository';

/** A local webhook receiver: records every request; answers `status` (200 unless told otherwise). */
interface Receiver {
  url: string;
  port: number;
  received: { path: string; body: any; contentType: string | undefined }[];
  status: number;
  /** Answers 503 to this many requests first (a receiver having a blip). */
  failures: number;
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const r = { received: [], status: 200, failures: 0 } as unknown as Receiver;
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      r.received.push({
        path: req.url ?? '',
        body: text ? JSON.parse(text) : null,
        contentType: req.headers['content-type'],
      });
      const status = r.failures > 0 ? (r.failures--, 503) : r.status;
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status < 300 ? 'ok' : 'no_service');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  r.port = (server.address() as AddressInfo).port;
  r.url = `http://127.0.0.1:${r.port}`;
  r.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return r;
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Polls `check` until it returns a value (not undefined) or `ms` passes. */
async function until<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const SECRET_PATH = '/services/T000/B000/s3cr3tWebhookPathAbCd';

/** A new key with a $10 budget of which `spent` is used, in `projectId`; its id. */
async function keyWithSpend(t: TestApp, projectId: string, alias: string, spent: number): Promise<string> {
  const res = await adminCall(t, 'POST', '/api/keys', { projectId, alias, maxBudgetUsd: 10 });
  expect(res.status).toBe(201);
  await t.db.query(`UPDATE "VirtualKey" SET "periodSpendUsd" = $1 WHERE id = $2`, [spent, res.body.id]);
  return res.body.id as string;
}

describe('alerts (real app, real PostgreSQL, local webhook receiver)', () => {
  let t: TestApp;
  let receiver: Receiver;
  let evaluator: AlertEvaluator;

  beforeAll(async () => {
    // The timer never ticks during these tests: each test evaluates with tick().
    t = await createTestApp({ alertEvaluationIntervalMs: 600_000 });
    evaluator = t.app.get(AlertEvaluator);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });
  beforeEach(() => {
    receiver.status = 200;
    receiver.failures = 0;
  });

  async function channel(name: string, kind: 'webhook' | 'slack', url: string) {
    const res = await adminCall(t, 'POST', '/api/alerts/channels', { name, kind, url });
    expect(res.status).toBe(201);
    return alertChannelSchema.parse(res.body);
  }

  async function rule(body: Record<string, unknown>) {
    const res = await adminCall(t, 'POST', '/api/alerts/rules', body);
    expect(res.status).toBe(201);
    return alertRuleSchema.parse(res.body);
  }

  async function events(ruleId?: string) {
    const res = await adminCall(t, 'GET', `/api/alerts/events${ruleId ? `?ruleId=${ruleId}` : ''}`);
    expect(res.status).toBe(200);
    return alertEventPageSchema.parse(res.body).data;
  }

  const forRule = (id: string) => receiver.received.filter((r) => r.body?.rule?.id === id);

  it('keeps the URL write-only: answers, lists and the audit log show the hint only', async () => {
    const created = await channel('ops-hook', 'webhook', `${receiver.url}${SECRET_PATH}?token=qwerty123`);
    expect(created.urlHint).toBe(`http://127.0.0.1:${receiver.port}/…AbCd`);
    expect(created).not.toHaveProperty('url');
    const updated = await adminCall(t, 'PATCH', `/api/alerts/channels/${created.id}`, { name: 'ops-hook-2' });
    expect(updated.status).toBe(200);
    expect(updated.body.urlHint).toBe(created.urlHint);
    const list = await adminCall(t, 'GET', '/api/alerts/channels');
    expect(list.body.data).toEqual([
      expect.objectContaining({ name: 'ops-hook-2', urlHint: created.urlHint }),
    ]);
    const audit = await adminCall(t, 'GET', '/api/audit?targetType=alert_channel');
    for (const text of [
      JSON.stringify(list.body),
      JSON.stringify(audit.body),
      JSON.stringify(updated.body),
    ]) {
      expect(text).not.toContain('s3cr3t');
      expect(text).not.toContain('qwerty123');
    }
    expect(audit.body.data.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['alert_channel.create', 'alert_channel.update']),
    );
    const { status } = await adminCall(t, 'DELETE', `/api/alerts/channels/${created.id}`);
    expect(status).toBe(204);
  });

  it('refuses bad channels and rules with clear 400s (never a 500)', async () => {
    const bad = async (path: string, body: unknown, field: string, text?: RegExp) => {
      const res = await adminCall(t, 'POST', path, body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      const detail = res.body.error.details.find((d: { path: string }) => d.path === field);
      expect(detail).toBeDefined();
      if (text) expect(detail.message).toMatch(text);
    };
    await bad(
      '/api/alerts/channels',
      { name: 'x', kind: 'webhook', url: 'ftp://example.com/x' },
      'url',
      /http/,
    );
    await bad('/api/alerts/channels', { name: 'x', kind: 'webhook', url: 'javascript:alert(1)' }, 'url');
    await bad('/api/alerts/channels', { name: 'x', kind: 'email', url: 'https://example.com' }, 'kind');
    await bad('/api/alerts/channels', { kind: 'webhook', url: 'https://example.com' }, 'name');
    await bad(
      '/api/alerts/rules',
      { name: 'p', kind: 'project.budget', threshold: 80 },
      'kind',
      /projects have no budget; use key\.budget/,
    );
    await bad('/api/alerts/rules', { name: 'r', kind: 'deployment.error_rate' }, 'threshold', /required/);
    await bad(
      '/api/alerts/rules',
      { name: 'r', kind: 'group.error_rate', threshold: 20 },
      'threshold',
      /fraction/,
    );
    await bad('/api/alerts/rules', { name: 'r', kind: 'key.budget', threshold: 0.8 }, 'threshold', /percent/);
    await bad(
      '/api/alerts/rules',
      { name: 'r', kind: 'deployment.cooldown', target: '3f2b8c1e-5d4a-4b6f-9e7d-0a1b2c3d4e5f' },
      'target',
      /no deployment/,
    );
    await bad(
      '/api/alerts/rules',
      { name: 'r', kind: 'group.error_rate', threshold: 0.5, target: 'no-such-group' },
      'target',
      /no model group/,
    );
    await bad(
      '/api/alerts/rules',
      { name: 'r', kind: 'key.budget', threshold: 80, target: 'not-a-key' },
      'target',
      /no virtual key/,
    );
    await bad(
      '/api/alerts/rules',
      { name: 'r', kind: 'key.budget', threshold: 80, channelIds: ['3f2b8c1e-5d4a-4b6f-9e7d-0a1b2c3d4e5f'] },
      'channelIds',
      /no alert channel/,
    );
    // An update is checked as the rule would be.
    const ok = await rule({ name: 'valid-budget', kind: 'key.budget', threshold: 80 });
    const res = await adminCall(t, 'PATCH', `/api/alerts/rules/${ok.id}`, { kind: 'group.error_rate' });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('threshold');
    expect((await adminCall(t, 'PATCH', '/api/alerts/rules/nope', { enabled: false })).status).toBe(404);
    expect((await adminCall(t, 'GET', '/api/alerts/events?cursor=zzz')).status).toBe(400);
    expect((await adminCall(t, 'DELETE', `/api/alerts/rules/${ok.id}`)).status).toBe(204);
  });

  it('"Send test" reaches the receiver with the documented body and is in the history', async () => {
    const hook = await channel('test-hook', 'webhook', `${receiver.url}/hook-test`);
    const slack = await channel('test-slack', 'slack', `${receiver.url}/slack-test`);
    const before = receiver.received.length;

    const res = await adminCall(t, 'POST', `/api/alerts/channels/${hook.id}/test`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, status: 200, message: expect.stringContaining('200') });
    const slackRes = await adminCall(t, 'POST', `/api/alerts/channels/${slack.id}/test`);
    expect(slackRes.body.ok).toBe(true);

    const got = receiver.received.slice(before);
    expect(got).toHaveLength(2);
    expect(got[0]).toMatchObject({ path: '/hook-test', contentType: 'application/json' });
    expect(got[0]!.body).toEqual({
      event: 'switchboard.alert',
      state: 'test',
      rule: null,
      subject: null,
      value: null,
      threshold: null,
      message: expect.stringMatching(/^\[Switchboard\] TEST/),
      at: expect.any(String),
    });
    expect(got[1]).toMatchObject({
      path: '/slack-test',
      body: { text: expect.stringMatching(/^\[Switchboard\] TEST/) },
    });
    expect(Object.keys(got[1]!.body)).toEqual(['text']);

    const history = await events();
    expect(history.slice(0, 2)).toEqual([
      expect.objectContaining({
        state: 'test',
        channelName: 'test-slack',
        delivery: 'delivered',
        responseStatus: 200,
      }),
      expect.objectContaining({
        state: 'test',
        channelName: 'test-hook',
        delivery: 'delivered',
        responseStatus: 200,
        error: null,
      }),
    ]);
  });

  it('a receiver answering 500 or not listening is a failed history row, not an error of the API', async () => {
    const hook = await channel('failing-hook', 'webhook', `${receiver.url}/fails`);
    receiver.status = 500;
    const res = await adminCall(t, 'POST', `/api/alerts/channels/${hook.id}/test`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: false, status: 500, message: expect.stringContaining('500') });

    const port = await closedPort();
    const gone = await channel('gone-hook', 'webhook', `http://127.0.0.1:${port}${SECRET_PATH}`);
    const refused = await adminCall(t, 'POST', `/api/alerts/channels/${gone.id}/test`);
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({
      ok: false,
      status: null,
      message: expect.stringContaining('ECONNREFUSED'),
    });

    const history = await events();
    expect(history[0]).toMatchObject({ channelName: 'gone-hook', delivery: 'failed', responseStatus: null });
    expect(history[0]!.error).toContain('ECONNREFUSED');
    expect(history[1]).toMatchObject({
      channelName: 'failing-hook',
      delivery: 'failed',
      responseStatus: 500,
    });
    expect(JSON.stringify(history)).not.toContain('s3cr3t');
  });

  it('deployment.cooldown fires once when a deployment is benched and resolves once after a reset', async () => {
    // It refuses the deployment's key, health probes included (a probe that answered would lift the bench).
    const upstream: FakeUpstream = await startFakeUpstream({
      name: 'benched',
      requireApiKey: 'sk-not-the-deployments-key',
    });
    try {
      const GROUP = 'alerts-cooldown';
      await seedRouting(
        t,
        [{ name: 'alerts-benched', modelGroup: GROUP, apiBase: upstream.url }],
        [{ name: GROUP, numRetries: 0, allowedFails: 1, cooldownSeconds: 300 }],
      );
      const deployments = await adminCall(t, 'GET', `/api/deployments?modelGroup=${GROUP}`);
      const id: string = deployments.body.data[0].id;
      const hook = await channel('cooldown-hook', 'webhook', `${receiver.url}/cooldown`);
      const slack = await channel('cooldown-slack', 'slack', `${receiver.url}/cooldown-slack`);
      const r = await rule({
        name: 'upstream benched',
        kind: 'deployment.cooldown',
        target: id,
        channelIds: [hook.id, slack.id],
      });

      await evaluator.tick();
      expect(forRule(r.id)).toHaveLength(0);

      // The upstream refuses the key: the deployment is benched.
      await until('the deployment to be benched', async () => {
        await fetch(`${t.url}/v1/chat/completions`, {
          method: 'POST',
          headers: t.adminHeaders,
          body: JSON.stringify({ model: GROUP, messages: [{ role: 'user', content: 'hi' }] }),
        });
        const d = await adminCall(t, 'GET', `/api/deployments/${id}`);
        return d.body.state.status === 'cooling_down' ? true : undefined;
      });
      const slackBefore = receiver.received.filter((x) => x.path === '/cooldown-slack').length;
      await evaluator.tick();
      await evaluator.tick();
      expect(forRule(r.id)).toHaveLength(1);
      expect(forRule(r.id)[0]!.body).toMatchObject({
        event: 'switchboard.alert',
        state: 'firing',
        rule: { id: r.id, name: 'upstream benched', kind: 'deployment.cooldown' },
        subject: { type: 'deployment', id, name: 'alerts-benched' },
        message: '[Switchboard] FIRING rule "upstream benched": Deployment "alerts-benched" is cooling down',
      });
      const slackTexts = receiver.received.filter((x) => x.path === '/cooldown-slack').slice(slackBefore);
      expect(slackTexts.map((x) => x.body)).toEqual([
        { text: '[Switchboard] FIRING rule "upstream benched": Deployment "alerts-benched" is cooling down' },
      ]);
      const listed = await adminCall(t, 'GET', '/api/alerts/rules');
      expect(listed.body.data.find((x: { id: string }) => x.id === r.id).firing).toEqual([
        expect.objectContaining({ subject: id, subjectName: 'alerts-benched' }),
      ]);

      // Put back into rotation: resolved, once.
      upstream.configure({ requireApiKey: null });
      expect((await adminCall(t, 'POST', `/api/deployments/${id}/reset`)).status).toBe(200);
      await evaluator.tick();
      await evaluator.tick();
      expect(forRule(r.id).map((x) => x.body.state)).toEqual(['firing', 'resolved']);
      expect(forRule(r.id)[1]!.body.message).toBe(
        '[Switchboard] RESOLVED rule "upstream benched": Deployment "alerts-benched" is back in rotation',
      );

      const history = await events(r.id);
      expect(history.map((e) => [e.state, e.channelName, e.delivery])).toEqual([
        ['resolved', 'cooldown-slack', 'delivered'],
        ['resolved', 'cooldown-hook', 'delivered'],
        ['firing', 'cooldown-slack', 'delivered'],
        ['firing', 'cooldown-hook', 'delivered'],
      ]);
      await adminCall(t, 'DELETE', `/api/alerts/rules/${r.id}`);
    } finally {
      await upstream.close();
    }
  });

  it('key.budget fires at 80 % of a key budget, not below', async () => {
    const project = await createProject(t);
    const high = await keyWithSpend(t, project.id, 'budget-high', 8.5);
    await keyWithSpend(t, project.id, 'budget-low', 7.9);
    const hook = await channel('budget-hook', 'webhook', `${receiver.url}/budget`);
    const r = await rule({ name: 'budget 80', kind: 'key.budget', threshold: 80, channelIds: [hook.id] });

    await evaluator.tick();
    await evaluator.tick();
    expect(forRule(r.id).map((x) => x.body)).toEqual([
      expect.objectContaining({
        state: 'firing',
        subject: { type: 'key', id: high, name: 'budget-high' },
        value: 85,
        threshold: 80,
        message:
          '[Switchboard] FIRING rule "budget 80": Key "budget-high" has spent 85 % of its budget; threshold 80 %',
      }),
    ]);
    await adminCall(t, 'DELETE', `/api/alerts/rules/${r.id}`);
  });

  it('a firing subject gets "resolved" once, saying why, when its rule is disabled, changed or deleted', async () => {
    const keyId = await keyWithSpend(t, (await createProject(t)).id, 'retire-key', 9);
    const hook = await channel('retire-hook', 'webhook', `${receiver.url}/retire`);
    const r = await rule({ name: 'retire 80', kind: 'key.budget', threshold: 80, channelIds: [hook.id] });
    const mine = () => forRule(r.id).filter((x) => x.body.subject?.id === keyId);
    const patch = async (body: Record<string, unknown>) => {
      expect((await adminCall(t, 'PATCH', `/api/alerts/rules/${r.id}`, body)).status).toBe(200);
      await evaluator.retired();
    };
    const said = () => mine().map((x) => [x.body.state, x.body.reason ?? null]);

    await evaluator.tick();
    expect(said()).toEqual([['firing', null]]);

    // Disabled: the receiver is told the alert is over, and nothing more comes while it is off.
    await patch({ enabled: false });
    expect(said()).toEqual([
      ['firing', null],
      ['resolved', 'rule_disabled'],
    ]);
    expect(mine()[1]!.body.message).toBe(
      '[Switchboard] RESOLVED rule "retire 80": Key "retire-key" is no longer watched (the rule was disabled)',
    );
    await evaluator.tick();
    expect(said()).toHaveLength(2);

    // Enabled again: evaluated afresh, it fires again.
    await patch({ enabled: true });
    await evaluator.tick();
    expect(said()).toHaveLength(3);

    // Threshold raised above the spend: resolved as changed, and the new rule does not fire.
    await patch({ threshold: 95 });
    await evaluator.tick();
    expect(said().slice(2)).toEqual([
      ['firing', null],
      ['resolved', 'rule_changed'],
    ]);
    // A change with nothing firing sends nothing; back under the spend, it fires.
    await patch({ threshold: 85 });
    await evaluator.tick();
    expect(said().slice(4)).toEqual([['firing', null]]);

    // Deleted while firing: resolved once, recorded in the history under the rule.
    expect((await adminCall(t, 'DELETE', `/api/alerts/rules/${r.id}`)).status).toBe(204);
    await evaluator.retired();
    await evaluator.tick();
    expect(said().slice(5)).toEqual([['resolved', 'rule_deleted']]);
    const history = (await events(r.id)).filter((e) => e.subject === 'retire-key');
    expect(history.map((e) => e.state)).toEqual([
      'resolved',
      'firing',
      'resolved',
      'firing',
      'resolved',
      'firing',
    ]);
  });

  it('an alert the receiver could not take (5xx) is tried again, up to three times; a 4xx is not', async () => {
    const keyId = await keyWithSpend(t, (await createProject(t)).id, 'retry-key', 9.5);
    const hook = await channel('retry-hook', 'webhook', `${receiver.url}/retry`);
    const fire = async (name: string) => {
      const r = await rule({
        name,
        kind: 'key.budget',
        target: keyId,
        threshold: 90,
        channelIds: [hook.id],
      });
      await evaluator.tick();
      const history = (await events(r.id)).map((e) => [e.state, e.delivery, e.responseStatus, e.error]);
      receiver.status = 200; // the rule's "resolved" on deletion goes through at once
      await adminCall(t, 'DELETE', `/api/alerts/rules/${r.id}`);
      await evaluator.retired();
      return { sent: forRule(r.id).filter((x) => x.body.state === 'firing').length, history };
    };

    // A blip: one 503, then the alert goes through on the second try.
    receiver.failures = 1;
    expect(await fire('retry once')).toEqual({ sent: 2, history: [['firing', 'delivered', 200, null]] });

    // Down for good: three tries, then a failed row that says so.
    receiver.status = 500;
    const down = await fire('retry down');
    expect(down.sent).toBe(3);
    expect(down.history).toEqual([['firing', 'failed', 500, expect.stringContaining('(after 3 tries)')]]);

    // A 4xx means the URL or the receiver is wrong: one try.
    receiver.status = 404;
    const wrong = await fire('retry 404');
    expect(wrong.sent).toBe(1);
    expect(wrong.history).toEqual([['firing', 'failed', 404, expect.not.stringContaining('tries')]]);
  });

  it('an error-rate rule waits for minRequests attempts in the window', async () => {
    const upstream = await startFakeUpstream({ name: 'flaky', fault: { kind: 'status', status: 500 } });
    try {
      const GROUP = 'alerts-rate';
      // Never benched: every request is an attempt on it.
      await seedRouting(
        t,
        [{ name: 'alerts-flaky', modelGroup: GROUP, apiBase: upstream.url }],
        [{ name: GROUP, numRetries: 0, allowedFails: 1000 }],
      );
      const id: string = (await adminCall(t, 'GET', `/api/deployments?modelGroup=${GROUP}`)).body.data[0].id;
      const hook = await channel('rate-hook', 'webhook', `${receiver.url}/rate`);
      const r = await rule({
        name: 'flaky upstream',
        kind: 'deployment.error_rate',
        target: id,
        threshold: 0.5,
        windowMinutes: 10,
        minRequests: 6,
        channelIds: [hook.id],
      });
      const send = async (n: number) => {
        for (let i = 0; i < n; i++) {
          await fetch(`${t.url}/v1/chat/completions`, {
            method: 'POST',
            headers: t.adminHeaders,
            body: JSON.stringify({ model: GROUP, messages: [{ role: 'user', content: 'hi' }] }),
          });
        }
        await t.app.get(RequestLogWriter).flush();
      };
      await send(3);
      await evaluator.tick();
      expect(forRule(r.id)).toHaveLength(0);
      await send(3);
      await evaluator.tick();
      expect(forRule(r.id).map((x) => x.body)).toEqual([
        expect.objectContaining({
          state: 'firing',
          subject: { type: 'deployment', id, name: 'alerts-flaky' },
          value: 1,
          threshold: 0.5,
          message:
            '[Switchboard] FIRING rule "flaky upstream": Deployment "alerts-flaky": 100 % failed attempts over 10 min, 6 counted; threshold 50 %',
        }),
      ]);
      await adminCall(t, 'DELETE', `/api/alerts/rules/${r.id}`);
    } finally {
      await upstream.close();
    }
  });

  it('a group error rate counts failed requests of the group', async () => {
    const upstream = await startFakeUpstream({ name: 'group-flaky', fault: { kind: 'status', status: 503 } });
    try {
      const GROUP = 'alerts-group-rate';
      await seedRouting(
        t,
        [{ name: 'alerts-group-flaky', modelGroup: GROUP, apiBase: upstream.url }],
        [{ name: GROUP, numRetries: 0, allowedFails: 1000 }],
      );
      const hook = await channel('group-hook', 'webhook', `${receiver.url}/group`);
      const r = await rule({
        name: 'group failing',
        kind: 'group.error_rate',
        target: GROUP,
        threshold: 0.2,
        minRequests: 2,
        channelIds: [hook.id],
      });
      for (let i = 0; i < 2; i++) {
        await fetch(`${t.url}/v1/chat/completions`, {
          method: 'POST',
          headers: t.adminHeaders,
          body: JSON.stringify({ model: GROUP, messages: [{ role: 'user', content: 'hi' }] }),
        });
      }
      await t.app.get(RequestLogWriter).flush();
      await evaluator.tick();
      expect(forRule(r.id).map((x) => x.body)).toEqual([
        expect.objectContaining({
          state: 'firing',
          subject: { type: 'model_group', id: GROUP, name: GROUP },
          value: 1,
        }),
      ]);
      await adminCall(t, 'DELETE', `/api/alerts/rules/${r.id}`);
    } finally {
      await upstream.close();
    }
  });
});

describe('alerts with two instances on one database', () => {
  let a: TestApp;
  let b: TestApp;
  let receiver: Receiver;

  beforeAll(async () => {
    a = await createTestApp({ alertEvaluationIntervalMs: 100 });
    b = await createTestApp({ alertEvaluationIntervalMs: 100 }, a.database);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await receiver?.close();
  });

  it('only one instance sends a firing alert, once', async () => {
    const project = await createProject(a);
    const key = await adminCall(a, 'POST', '/api/keys', {
      projectId: project.id,
      alias: 'shared',
      maxBudgetUsd: 1,
    });
    await a.db.query(`UPDATE "VirtualKey" SET "periodSpendUsd" = 1 WHERE id = $1`, [key.body.id]);
    const hook = await adminCall(a, 'POST', '/api/alerts/channels', {
      name: 'shared-hook',
      kind: 'webhook',
      url: `${receiver.url}/shared`,
    });
    await adminCall(a, 'POST', '/api/alerts/rules', {
      name: 'shared budget',
      kind: 'key.budget',
      threshold: 100,
      channelIds: [hook.body.id],
    });

    await until('the firing alert', () => (receiver.received.length > 0 ? true : undefined));
    // Both instances go on ticking (each tried several more times): still one notification.
    const evaluators = [a.app.get(AlertEvaluator), b.app.get(AlertEvaluator)];
    const after = evaluators.map((e) => e.counts.ticks);
    await until('more ticks on both instances', () =>
      evaluators.every((e, i) => e.counts.ticks >= after[i]! + 5) ? true : undefined,
    );
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.body).toMatchObject({ state: 'firing', subject: { id: key.body.id } });
    const { rows } = await a.db.query(`SELECT count(*)::int AS n FROM "AlertEvent" WHERE state = 'firing'`);
    expect(rows[0].n).toBe(1);
  });
});

describe('the evaluation lock', () => {
  let a: TestApp;
  let b: TestApp;
  let receiver: Receiver;

  beforeAll(async () => {
    a = await createTestApp({ alertEvaluationIntervalMs: 100 });
    b = await createTestApp({ alertEvaluationIntervalMs: 100 }, a.database);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await receiver?.close();
  });

  it('no instance evaluates while another holds the lock; the alert goes out once it is free', async () => {
    const project = await createProject(a);
    const key = await adminCall(a, 'POST', '/api/keys', { projectId: project.id, maxBudgetUsd: 1 });
    await a.db.query(`UPDATE "VirtualKey" SET "periodSpendUsd" = 1 WHERE id = $1`, [key.body.id]);
    // Someone else (a third instance, here the test) is evaluating.
    const holder = await a.db.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1::bigint)', [EVALUATION_LOCK]);
      const hook = await adminCall(a, 'POST', '/api/alerts/channels', {
        name: 'locked-hook',
        kind: 'webhook',
        url: `${receiver.url}/locked`,
      });
      await adminCall(a, 'POST', '/api/alerts/rules', {
        name: 'locked budget',
        kind: 'key.budget',
        threshold: 100,
        channelIds: [hook.body.id],
      });
      const evaluators = [a.app.get(AlertEvaluator), b.app.get(AlertEvaluator)];
      const before = evaluators.map((e) => ({ ...e.counts }));
      await until('both instances to try several ticks', () =>
        evaluators.every((e, i) => e.counts.ticks >= before[i]!.ticks + 5) ? true : undefined,
      );
      expect(evaluators.map((e) => e.counts.evaluated)).toEqual(before.map((c) => c.evaluated));
      expect(receiver.received).toHaveLength(0);
    } finally {
      await holder.query('SELECT pg_advisory_unlock($1::bigint)', [EVALUATION_LOCK]);
      holder.release();
    }
    await until('the alert once the lock is free', () => (receiver.received.length > 0 ? true : undefined));
    expect(receiver.received[0]!.body).toMatchObject({ state: 'firing', subject: { id: key.body.id } });
  });
});

describe('alerts at shutdown', () => {
  it('a delivery under way when the app stops is cancelled and recorded, and the app stops', async () => {
    // A receiver that takes the request and never answers.
    let gotRequest = false;
    let cutBeforeAnswer = false;
    const server = createServer((req, res) => {
      gotRequest = true;
      res.on('close', () => {
        if (!res.writableEnded) cutBeforeAnswer = true;
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const database = await createTestDatabase();
    const t = await createTestApp({ alertEvaluationIntervalMs: 600_000 }, database);
    try {
      const project = await createProject(t);
      const key = await adminCall(t, 'POST', '/api/keys', { projectId: project.id, maxBudgetUsd: 1 });
      await t.db.query(`UPDATE "VirtualKey" SET "periodSpendUsd" = 1 WHERE id = $1`, [key.body.id]);
      const hook = await adminCall(t, 'POST', '/api/alerts/channels', {
        name: 'hanging',
        kind: 'webhook',
        url: `http://127.0.0.1:${port}/hang`,
      });
      await adminCall(t, 'POST', '/api/alerts/rules', {
        name: 'at shutdown',
        kind: 'key.budget',
        threshold: 100,
        channelIds: [hook.body.id],
      });

      const tick = t.app.get(AlertEvaluator).tick();
      await until('the receiver to get the alert', () => (gotRequest ? true : undefined));
      await t.app.close();
      await tick;
      expect(cutBeforeAnswer).toBe(true);
      // The alert counts as sent (it is not sent again after a restart); its delivery is a failed row.
      const events = await t.db.query(`SELECT state, delivery, error FROM "AlertEvent"`);
      expect(events.rows).toEqual([
        { state: 'firing', delivery: 'failed', error: 'Cancelled: the server is shutting down' },
      ]);
      const states = await t.db.query(`SELECT subject FROM "AlertState"`);
      expect(states.rows).toEqual([{ subject: key.body.id }]);
    } finally {
      await t.db.end();
      await database.drop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
