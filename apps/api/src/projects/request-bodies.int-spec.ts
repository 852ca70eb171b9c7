import { addAccount, apiTokenFor } from '../accounts/testing/accounts';
import { type FakeUpstream, startFakeUpstream } from '../../../fake-upstream/src';
import { adminCall, createKey, uniqueName } from '../keys/testing/admin-client';
import { seedRouting } from '../testing/seed';
import { ProjectBodySettings } from './project-body-settings';
import { createTestApp, type TestApp } from '../testing/test-app';
import { RequestBodyRepository } from '../usage/request-body.repository';
import { pruneRequestBodies } from '../usage/log-retention.service';
import type { EncodedLogRow } from '../usage/request-log.encoding';
import { RequestLogRepository, type RequestLogStore } from '../usage/request-log.repository';
import { RequestLogWriter } from '../usage/request-log.writer';
import { logEntry } from '../usage/testing/usage-fixtures';

/** #12 item 10: request and response bodies per project (real app, real PostgreSQL, fake upstream). */

/** The upstream's name is in every answer it gives ("Hello from <name>."): a secret there must not be stored. */
const UPSTREAM_SECRET = 'sk-upstreamLEAK0123456789abcdef';

interface BodyRow {
  requestId: string;
  projectId: string;
  request: string | null;
  response: string | null;
  truncated: boolean;
}

describe('stored request and response bodies (real PostgreSQL)', () => {
  let t: TestApp;
  let leaky: FakeUpstream;
  let plain: FakeUpstream;

  beforeAll(async () => {
    t = await createTestApp();
    leaky = await startFakeUpstream({ name: `leaky ${UPSTREAM_SECRET}`, completionTokens: 6 });
    plain = await startFakeUpstream({ name: 'plain', completionTokens: 6 });
    await seedRouting(t, [
      { name: 'bodies-leaky', modelGroup: 'bodies-leaky', apiBase: leaky.url },
      { name: 'bodies-plain', modelGroup: 'bodies-plain', apiBase: plain.url },
    ]);
  });
  afterAll(async () => {
    await t?.close();
    await leaky?.close();
    await plain?.close();
  });

  const project = async (fields: Record<string, unknown> = {}) => {
    const res = await adminCall(t, 'POST', '/api/projects', { name: uniqueName('bodies'), ...fields });
    expect(res.status).toBe(201);
    const key = await createKey(t, { projectId: res.body.id });
    return { id: res.body.id as string, key: key.key };
  };
  const chat = (key: string, body: Record<string, unknown>) =>
    fetch(`${t.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
    });
  const flush = async () => expect(await t.app.get(RequestLogWriter).flush()).toBe(true);
  const bodyOf = async (requestId: string): Promise<BodyRow | undefined> =>
    (await t.db.query<BodyRow>(`SELECT * FROM "RequestBody" WHERE "requestId" = $1`, [requestId])).rows[0];
  const logged = async (requestId: string) =>
    (await t.db.query(`SELECT 1 FROM "RequestLog" WHERE "requestId" = $1`, [requestId])).rowCount;

  it('stores nothing by default', async () => {
    const p = await project();
    const got = await adminCall(t, 'GET', `/api/projects/${p.id}`);
    expect(got.body).toMatchObject({ storeBodies: false, bodyMaxBytes: 32768, bodyRetentionDays: 7 });
    const res = await chat(p.key, { model: 'bodies-plain', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.status).toBe(200);
    await res.text();
    await flush();
    const id = res.headers.get('x-request-id')!;
    expect(await logged(id)).toBe(1);
    expect(await bodyOf(id)).toBeUndefined();
    const n = await t.db.query(`SELECT count(*)::int n FROM "RequestBody" WHERE "projectId" = $1`, [p.id]);
    expect(n.rows[0].n).toBe(0);
  });

  it('refuses settings out of range with a 400 naming the field', async () => {
    const p = await project();
    for (const [field, value] of [
      ['bodyMaxBytes', 1023],
      ['bodyMaxBytes', 1_048_577],
      ['bodyRetentionDays', 0],
      ['bodyRetentionDays', 91],
      ['storeBodies', 'yes'],
    ] as const) {
      const res = await adminCall(t, 'PATCH', `/api/projects/${p.id}`, { [field]: value });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.error.details)).toContain(field);
    }
  });

  it('stores a non-stream request and answer, redacted; a PATCH applies at once, on and off', async () => {
    const p = await project();
    const secretInMessage = 'sk-proj-abcdefghijklmnop0123456789';
    const request = {
      model: 'bodies-leaky',
      api_key: 'my-upstream-password-value',
      messages: [{ role: 'user', content: `my key is ${secretInMessage}, keep it safe` }],
    };
    const before = await chat(p.key, request);
    await before.text();

    const on = await adminCall(t, 'PATCH', `/api/projects/${p.id}`, { storeBodies: true });
    expect(on.status).toBe(200);
    expect(on.body.storeBodies).toBe(true);
    const audit = await t.db.query(
      `SELECT before, after FROM "AuditEvent" WHERE action = 'project.update' AND "targetId" = $1`,
      [p.id],
    );
    expect(audit.rows).toEqual([
      {
        before: expect.objectContaining({ storeBodies: false, bodyMaxBytes: 32768, bodyRetentionDays: 7 }),
        after: expect.objectContaining({ storeBodies: true, bodyMaxBytes: 32768, bodyRetentionDays: 7 }),
      },
    ]);
    const res = await chat(p.key, request);
    expect(res.status).toBe(200);
    const answer = await res.text();
    expect(answer).toContain(UPSTREAM_SECRET); // the client gets the answer untouched

    await adminCall(t, 'PATCH', `/api/projects/${p.id}`, { storeBodies: false });
    const after = await chat(p.key, request);
    await after.text();
    await flush();

    expect(await bodyOf(before.headers.get('x-request-id')!)).toBeUndefined();
    expect(await bodyOf(after.headers.get('x-request-id')!)).toBeUndefined();
    const stored = await bodyOf(res.headers.get('x-request-id')!);
    expect(stored).toMatchObject({ projectId: p.id, truncated: false });
    const storedRequest = JSON.parse(stored!.request!);
    expect(storedRequest.api_key).toBe('[redacted]');
    expect(storedRequest.messages[0].content).toBe('my key is sk-[redacted], keep it safe');
    expect(stored!.request).not.toContain(secretInMessage);
    expect(stored!.request).not.toContain('my-upstream-password-value');
    const storedResponse = JSON.parse(stored!.response!);
    expect(storedResponse.choices[0].message.content).toContain('Hello from leaky sk-[redacted]');
    expect(stored!.response).not.toContain(UPSTREAM_SECRET);
    // Turning storage off keeps what was stored (retention removes it).
    expect(await bodyOf(res.headers.get('x-request-id')!)).toBeDefined();
  });

  it('applies a PATCH on every instance within moments, without a restart', async () => {
    const other = await createTestApp({}, t.database);
    try {
      const p = await project();
      // The other instance has settled on "off" for this project (the key's own notification reloads it).
      await other.app.get(ProjectBodySettings).reload();
      expect(other.app.get(ProjectBodySettings).bodyMaxBytesFor(p.id)).toBeNull();
      const on = await adminCall(t, 'PATCH', `/api/projects/${p.id}`, { storeBodies: true });
      expect(on.status).toBe(200);
      // The other instance learns of it through the change notification (its periodic reload is 30 s).
      const deadline = Date.now() + 10_000;
      let stored: BodyRow | undefined;
      while (!stored && Date.now() < deadline) {
        const res = await fetch(`${other.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${p.key}` },
          body: JSON.stringify({ model: 'bodies-plain', messages: [{ role: 'user', content: 'elsewhere' }] }),
        });
        await res.text();
        expect(await other.app.get(RequestLogWriter).flush()).toBe(true);
        stored = await bodyOf(res.headers.get('x-request-id')!);
        if (!stored) await new Promise((r) => setTimeout(r, 100));
      }
      expect(stored?.request).toContain('elsewhere');
    } finally {
      await other.close();
    }
  });

  it('stores a stream as the events the client got; the stream is the same with storage on and off', async () => {
    const storing = await project({ storeBodies: true });
    const notStoring = await project();
    const request = {
      model: 'bodies-plain',
      stream: true,
      messages: [{ role: 'user', content: 'stream it' }],
    };
    const on = await chat(storing.key, request);
    const onText = await on.text();
    const off = await chat(notStoring.key, request);
    const offText = await off.text();
    expect(on.headers.get('content-type')).toBe(off.headers.get('content-type'));
    // Only the per-request id and timestamp differ.
    const normalise = (s: string) =>
      s.replace(/"id":"[^"]*"/g, '"id":"x"').replace(/"created":\d+/g, '"created":0');
    expect(normalise(onText)).toBe(normalise(offText));
    expect(onText).toContain('data: [DONE]');
    await flush();
    const stored = await bodyOf(on.headers.get('x-request-id')!);
    expect(stored?.response).toBe(onText);
    expect(stored?.truncated).toBe(false);
    expect(JSON.parse(stored!.request!)).toEqual(request);
    expect(await bodyOf(off.headers.get('x-request-id')!)).toBeUndefined();

    // A stream whose answer carries a secret is stored redacted.
    const leakyStream = await chat(storing.key, { ...request, model: 'bodies-leaky' });
    expect(await leakyStream.text()).toContain(UPSTREAM_SECRET);
    await flush();
    const redacted = await bodyOf(leakyStream.headers.get('x-request-id')!);
    expect(redacted?.response).toContain('data: ');
    expect(redacted?.response).not.toContain(UPSTREAM_SECRET);
    expect(redacted?.response).toContain('sk-[redacted]');
  });

  it('cuts each body at the byte cap on a character boundary and marks it truncated', async () => {
    const p = await project({ storeBodies: true, bodyMaxBytes: 1024 });
    const content = '😀'.repeat(600) + 'é'.repeat(100);
    const request = { model: 'bodies-plain', messages: [{ role: 'user', content }] };
    const res = await chat(p.key, request);
    expect(res.status).toBe(200);
    await res.text();
    await flush();
    const stored = await bodyOf(res.headers.get('x-request-id')!);
    expect(stored?.truncated).toBe(true);
    const full = JSON.stringify(request);
    const bytes = Buffer.byteLength(stored!.request!);
    expect(bytes).toBeLessThanOrEqual(1024);
    expect(bytes).toBeGreaterThan(1020); // as long as a whole character allows
    expect(full.startsWith(stored!.request!)).toBe(true);
    expect(stored!.request!.isWellFormed()).toBe(true);
    expect(stored!.request).not.toContain('\ufffd');
    // The prefix before the emoji is ASCII of a length that does not divide into 4-byte characters.
    expect((1024 - full.indexOf('😀')) % 4).not.toBe(0);
    // The answer is short: stored whole.
    expect(JSON.parse(stored!.response!).object).toBe('chat.completion');
  });

  it('logs the request and its bodies when the bodies hold lone surrogates and NUL bytes, batch unblocked', async () => {
    const p = await project({ storeBodies: true });
    const writer = t.app.get(RequestLogWriter);
    const ids = ['poison-body-a', 'poison-body-b', 'poison-body-c'].map((s) => uniqueName(s));
    writer.enqueue(
      logEntry({
        requestId: ids[0],
        projectId: p.id,
        body: { request: '{"a":1}', response: 'ok', truncated: false },
      }),
    );
    writer.enqueue(
      logEntry({
        requestId: ids[1],
        projectId: p.id,
        body: { request: 'bad \udfff surrogate', response: 'nul \u0000 byte \ud800', truncated: true },
      }),
    );
    writer.enqueue(
      logEntry({
        requestId: ids[2],
        projectId: p.id,
        body: { request: 'c', response: 'c', truncated: false },
      }),
    );
    await flush();
    for (const id of ids) expect(await logged(id)).toBe(1);
    const poisoned = await bodyOf(ids[1]);
    expect(poisoned).toMatchObject({
      request: 'bad \ufffd surrogate',
      response: 'nul  byte \ufffd',
      truncated: true,
    });
    expect((await bodyOf(ids[0]))?.request).toBe('{"a":1}');
    expect(writer.stats().deadLettered).toBe(0);
  });

  it('writes the row without its bodies when the database refuses the bodies', async () => {
    const p = await project({ storeBodies: true });
    // Corrupts one row's bodies so that PostgreSQL refuses them (as no sanitising could have prevented).
    const repo = t.app.get(RequestLogRepository);
    const corrupting: RequestLogStore = {
      writeBatch: (id, rows) =>
        repo.writeBatch(
          id,
          rows.map((r) =>
            r.includes('refuse-my-body')
              ? (r.replace('"truncated":false', '"truncated":"maybe"') as EncodedLogRow)
              : r,
          ),
        ),
      addSpend: (rows) => repo.addSpend(rows),
    };
    const writer = new RequestLogWriter(corrupting, {
      flushIntervalMs: 20,
      batchSize: 50,
      queueMax: 1000,
      retryBaseMs: 20,
      deadLetterDir: `/tmp/switchboard-bodies-dead-letter-${process.pid}`,
    });
    const ok = uniqueName('body-ok');
    const refused = uniqueName('body-refused');
    try {
      writer.enqueue(
        logEntry({
          requestId: ok,
          projectId: p.id,
          body: { request: 'fine', response: 'fine', truncated: false },
        }),
      );
      writer.enqueue(
        logEntry({
          requestId: refused,
          projectId: p.id,
          body: { request: 'refuse-my-body', response: 'x', truncated: false },
        }),
      );
      expect(await writer.flush()).toBe(true);
      expect(writer.stats()).toMatchObject({ written: 2, deadLettered: 0 });
      expect(writer.bodiesDropped).toBe(1);
    } finally {
      await writer.close();
    }
    expect(await logged(ok)).toBe(1);
    expect(await logged(refused)).toBe(1);
    expect((await bodyOf(ok))?.request).toBe('fine');
    expect(await bodyOf(refused)).toBeUndefined();
  });

  it("retention deletes only bodies older than their own project's retention", async () => {
    const short = await project({ storeBodies: true, bodyRetentionDays: 1 });
    const long = await project({ storeBodies: true, bodyRetentionDays: 7 });
    const insert = (requestId: string, projectId: string, daysAgo: number) =>
      t.db.query(
        `INSERT INTO "RequestBody" ("requestId", "createdAt", "projectId", request, response)
         VALUES ($1, now() - make_interval(days => $3::int) - interval '1 minute', $2, '{}', '{}')`,
        [requestId, projectId, daysAgo],
      );
    const ids = {
      shortOld: uniqueName('short-old'),
      shortNew: uniqueName('short-new'),
      longOld: uniqueName('long-old'),
      longOlder: uniqueName('long-older'),
    };
    await insert(ids.shortOld, short.id, 2);
    await insert(ids.shortNew, short.id, 0);
    await insert(ids.longOld, long.id, 3);
    await insert(ids.longOlder, long.id, 8);
    const deleted = await pruneRequestBodies(t.app.get(RequestBodyRepository), {
      logRetentionDays: 30,
      chunkSize: 1,
    });
    expect(deleted).toBeGreaterThanOrEqual(2);
    expect(await bodyOf(ids.shortOld)).toBeUndefined();
    expect(await bodyOf(ids.shortNew)).toBeDefined();
    expect(await bodyOf(ids.longOld)).toBeDefined();
    expect(await bodyOf(ids.longOlder)).toBeUndefined();
  });

  it('shows the bodies in the log detail, and not to a project member of another project', async () => {
    const mine = await project({ storeBodies: true, bodyMaxBytes: 4096 });
    const other = await project();
    const res = await chat(mine.key, {
      model: 'bodies-plain',
      messages: [{ role: 'user', content: 'detail please' }],
      password: 'hunter2-hunter2',
    });
    await res.text();
    const plainRes = await chat(other.key, {
      model: 'bodies-plain',
      messages: [{ role: 'user', content: 'x' }],
    });
    await plainRes.text();
    await flush();
    const find = async (requestId: string) =>
      (await adminCall(t, 'GET', `/api/logs?requestId=${requestId}`)).body.data[0] as { id: string };
    const row = await find(res.headers.get('x-request-id')!);
    const detail = await adminCall(t, 'GET', `/api/logs/${row.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      storesBodies: true,
      bodyMaxBytes: 4096,
      bodies: { truncated: false },
    });
    expect(JSON.parse(detail.body.bodies.request)).toMatchObject({ password: '[redacted]' });
    expect(JSON.parse(detail.body.bodies.response).object).toBe('chat.completion');
    const otherRow = await find(plainRes.headers.get('x-request-id')!);
    const otherDetail = await adminCall(t, 'GET', `/api/logs/${otherRow.id}`);
    expect(otherDetail.body).toMatchObject({ bodies: null, storesBodies: false });

    const email = `${uniqueName('member')}@example.com`;
    await addAccount(t, email, 'project-member', [other.id]);
    const member = { authorization: `Bearer ${await apiTokenFor(t, email)}` };
    expect((await adminCall(t, 'GET', `/api/logs/${row.id}`, undefined, member)).status).toBe(404);
    expect((await adminCall(t, 'GET', `/api/logs/${otherRow.id}`, undefined, member)).status).toBe(200);
    const ownEmail = `${uniqueName('owner')}@example.com`;
    await addAccount(t, ownEmail, 'project-member', [mine.id]);
    const owner = { authorization: `Bearer ${await apiTokenFor(t, ownEmail)}` };
    const own = await adminCall(t, 'GET', `/api/logs/${row.id}`, undefined, owner);
    expect(own.body.bodies.request).toBe(detail.body.bodies.request);
  });
});
