import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { type FakeUpstream, startFakeUpstream } from '../../../fake-upstream/src';
import { seedRouting } from '../testing/seed';
import { RequestLogWriter } from '../usage/request-log.writer';
import { createTestApp, TEST_MASTER_KEY, type TestApp } from '../testing/test-app';

/** Reads an SSE response as the raw text events, checking Dify's framing on the way. */
async function readEvents(res: Response): Promise<string[]> {
  const text = await res.text();
  expect(text).not.toContain('\r\n');
  expect(text).not.toMatch(/^event:/m);
  expect(text.endsWith('\n\n')).toBe(true);
  return text
    .split('\n\n')
    .filter((e) => e.length > 0)
    .filter((e) => !e.startsWith(':'));
}

function post(t: TestApp, path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${t.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('OpenAI-compatible gateway (real router, fake upstreams, real PostgreSQL)', () => {
  let t: TestApp;
  let ups: FakeUpstream[];
  let client: OpenAI;

  beforeAll(async () => {
    t = await createTestApp();
    ups = await Promise.all(['a', 'b', 'c'].map((name) => startFakeUpstream({ name })));
    await seedRouting(
      t,
      ups.map((u, i) => ({
        name: `gpt41-${i}`,
        modelGroup: 'gpt-4.1',
        apiBase: u.url,
        apiKey: `sk-up-${i}`,
        weight: 1,
      })),
    );
    client = new OpenAI({ apiKey: TEST_MASTER_KEY, baseURL: `${t.url}/v1`, maxRetries: 0 });
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all((ups ?? []).map((u) => u.close()));
  });
  beforeEach(() => {
    for (const u of ups) {
      u.reset({ config: true });
    }
  });

  const total = (key: string) => ups.reduce((n, u) => n + (u.stats().byKey[key] ?? 0), 0);

  it('answers chat completions through the official openai client', async () => {
    const res = await client.chat.completions.create({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.object).toBe('chat.completion');
    expect(res.choices[0]?.message.content).toMatch(/^Hello from [abc]\./);
    expect(res.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('streams chat with the openai client and ends with a usage chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4.1',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'hi' }],
    });
    let text = '';
    let last: OpenAI.Chat.Completions.ChatCompletionChunk | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      last = chunk;
    }
    expect(text).toMatch(/^Hello from [abc]\./);
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('serves completions, embeddings and models through the openai client', async () => {
    const comp = await client.completions.create({ model: 'gpt-4.1', prompt: 'Say hi' });
    expect(comp.choices[0]?.text).toContain('Hello');
    const emb = await client.embeddings.create({ model: 'gpt-4.1', input: ['one', 'two'] });
    expect(emb.data.map((d) => d.index)).toEqual([0, 1]);
    expect(emb.data[0]?.embedding.length).toBeGreaterThan(0);
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain('gpt-4.1');
    const one = await client.models.retrieve('gpt-4.1');
    expect(one.id).toBe('gpt-4.1');
  });

  it("handles Dify's credential check without /v1 and without a stream field", async () => {
    const res = await post(t, '/chat/completions', {
      model: 'gpt-4.1',
      max_tokens: 5,
      messages: [{ role: 'user', content: 'ping' }],
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { object?: string };
    expect(body.object).toBe('chat.completion');
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    expect(res.headers.get('x-switchboard-deployment')).toMatch(/^gpt41-/);
    expect(res.headers.get('x-switchboard-attempts')).toBe('1');
    expect(Number(res.headers.get('x-switchboard-overhead-ms'))).toBeGreaterThanOrEqual(0);
  });

  it("streams a Dify request in Dify's exact SSE framing, usage last with choices: []", async () => {
    const res = await post(
      t,
      '/chat/completions',
      { model: 'gpt-4.1', stream: true, user: 'end-user-1', messages: [{ role: 'user', content: 'hello' }] },
      { accept: '*/*', 'accept-charset': 'utf-8' },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = await readEvents(res);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((e) => {
      expect(e.startsWith('data: ')).toBe(true);
      expect(e.split('\n')).toHaveLength(1);
      return JSON.parse(e.slice(6)) as { choices: unknown[]; usage?: { total_tokens: number } };
    });
    for (const c of chunks) expect(Array.isArray(c.choices)).toBe(true);
    const usage = chunks.at(-1)!;
    expect(usage.choices).toEqual([]);
    expect(usage.usage?.total_tokens).toBeGreaterThan(0);
    // The gateway asked the upstream for usage even though this (older) client did not.
    const forwarded = ups.flatMap((u) => u.requests()).find((r) => r.path.endsWith('/chat/completions'));
    expect(forwarded?.body).toMatchObject({ stream_options: { include_usage: true }, user: 'end-user-1' });
  });

  it('passes unknown request fields through untouched and rewrites only the model', async () => {
    const res = await post(t, '/v1/chat/completions', {
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'x' }],
      enable_thinking: false,
      chat_template_kwargs: { a: 1 },
    });
    expect(res.status).toBe(200);
    const forwarded = ups.flatMap((u) => u.requests()).at(-1);
    expect(forwarded?.body).toMatchObject({ enable_thinking: false, chat_template_kwargs: { a: 1 } });
  });

  it('spreads 600 requests evenly at weights 1:1:1', async () => {
    for (let i = 0; i < 60; i++) {
      await Promise.all(
        Array.from({ length: 10 }, () =>
          post(t, '/v1/embeddings', { model: 'gpt-4.1', input: 'x' }).then((r) => {
            expect(r.status).toBe(200);
            return r.arrayBuffer();
          }),
        ),
      );
    }
    const counts = ups.map((_, i) => total(`sk-up-${i}`));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(600);
    // Each count is Binomial(600, 1/3): P(|c - 200| > 75) < 1e-10 (±50 failed once in 27,000 runs).
    for (const c of counts) expect(Math.abs(c - 200)).toBeLessThanOrEqual(75);
  });

  it('costs the client nothing when one upstream fails or rate-limits', async () => {
    ups[0]!.configure({ fault: { kind: 'status', status: 500 } });
    ups[1]!.configure({ fault: { kind: 'status', status: 429, retryAfterSeconds: 30 } });
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await post(t, '/v1/chat/completions', {
        model: 'gpt-4.1',
        messages: [{ role: 'user', content: 'x' }],
      });
      statuses.push(r.status);
      await r.arrayBuffer();
    }
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(ups[2]!.stats().total).toBe(20);
  });

  it('answers errors in the OpenAI shape with the right status, never a 500', async () => {
    const cases: [string, string | object, number, string | null][] = [
      ['/v1/chat/completions', '{"model": "gpt-4.1", ', 400, null],
      ['/v1/chat/completions', { model: 42, messages: [] }, 400, 'model'],
      ['/v1/chat/completions', { model: 'gpt-4.1', messages: 'hi' }, 400, 'messages'],
      [
        '/v1/chat/completions',
        { model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] },
        404,
        'model',
      ],
      ['/v1/embeddings', { model: 'gpt-4.1' }, 400, 'input'],
    ];
    for (const [path, body, status, param] of cases) {
      const res = await post(t, path, body);
      expect(res.status).toBe(status);
      const json = (await res.json()) as {
        error: { message: string; type: string; param: string | null; code: string | null };
      };
      expect(Object.keys(json.error).sort()).toEqual(['code', 'message', 'param', 'type']);
      expect(json.error.message.length).toBeGreaterThan(5);
      if (param) expect(json.error.param).toBe(param);
    }
    const big = await post(t, '/v1/chat/completions', {
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'x'.repeat(2 * 1024 * 1024) }],
    });
    expect(big.status).toBe(413);
    const noKey = await fetch(`${t.url}/v1/models`, { headers: { authorization: '' } });
    expect(noKey.status).toBe(401);
    expect(((await noKey.json()) as { error: { type: string } }).error.type).toBe('authentication_error');
  });

  it('ends a stream that fails midway with an error event (no [DONE])', async () => {
    for (const u of ups) u.configure({ fault: { kind: 'midstream', afterChunks: 3 } });
    const res = await post(t, '/v1/chat/completions', {
      model: 'gpt-4.1',
      stream: true,
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(res.status).toBe(200);
    const events = await readEvents(res);
    const last = JSON.parse(events.at(-1)!.slice(6)) as { error?: { message: string }; choices?: unknown };
    expect(last.error?.message).toBeTruthy();
    expect(last.choices).toBeUndefined();
    expect(events).not.toContain('data: [DONE]');
  });

  it('counts tokens itself when the upstream streams no usage', async () => {
    const bare = await startFakeUpstream({ name: 'bare', omitStreamUsage: true });
    await seedRouting(t, [{ name: 'bare-0', modelGroup: 'bare-model', apiBase: bare.url }]);
    const res = await post(t, '/v1/chat/completions', {
      model: 'bare-model',
      stream: true,
      messages: [{ role: 'user', content: 'count me' }],
    });
    const events = await readEvents(res);
    const usage = JSON.parse(events.at(-2)!.slice(6)) as {
      choices: unknown[];
      usage: { prompt_tokens: number; completion_tokens: number };
    };
    expect(usage.choices).toEqual([]);
    expect(usage.usage.prompt_tokens).toBeGreaterThan(0);
    expect(usage.usage.completion_tokens).toBeGreaterThan(0);
    await bare.close();
  });

  it('follows 5:3:2 weights in proportion', async () => {
    const w = await Promise.all(['w5', 'w3', 'w2'].map((name) => startFakeUpstream({ name })));
    try {
      await seedRouting(
        t,
        w.map((u, i) => ({ name: `split-${i}`, modelGroup: 'split', apiBase: u.url, weight: [5, 3, 2][i]! })),
      );
      for (let i = 0; i < 60; i++) {
        await Promise.all(
          Array.from({ length: 10 }, () =>
            post(t, '/v1/embeddings', { model: 'split', input: 'x' }).then((r) => r.arrayBuffer()),
          ),
        );
      }
      const counts = w.map((u) => u.stats().total);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(600);
      // Binomial(600, p) tails: P(|a - 300| > 79), P(|b - 180| > 74) and P(|c - 120| > 66) are each < 1e-10
      // (±45 failed once in 4,000 runs); an even split (200 each) still fails on a and c.
      (
        [
          [300, 79],
          [180, 74],
          [120, 66],
        ] as const
      ).forEach(([expected, tolerance], i) =>
        expect(Math.abs(counts[i]! - expected)).toBeLessThanOrEqual(tolerance),
      );
    } finally {
      await Promise.all(w.map((u) => u.close()));
    }
  });

  it('falls back to the next model group when every deployment is down, and says why when all are', async () => {
    const down = await startFakeUpstream({ name: 'down', fault: { kind: 'status', status: 503 } });
    const backup = await startFakeUpstream({ name: 'backup' });
    try {
      await seedRouting(
        t,
        [
          { name: 'down-0', modelGroup: 'primary', apiBase: down.url },
          { name: 'backup-0', modelGroup: 'backup', apiBase: backup.url },
          { name: 'down-1', modelGroup: 'lonely', apiBase: down.url },
        ],
        [
          { name: 'primary', fallbacks: ['backup'], numRetries: 1 },
          { name: 'backup' },
          { name: 'lonely', numRetries: 1 },
        ],
      );
      const ok = await post(t, '/v1/chat/completions', {
        model: 'primary',
        messages: [{ role: 'user', content: 'x' }],
      });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-switchboard-deployment')).toBe('backup-0');
      expect(Number(ok.headers.get('x-switchboard-attempts'))).toBeGreaterThanOrEqual(2);
      expect(
        ((await ok.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content,
      ).toContain('backup');

      const bad = await post(t, '/v1/chat/completions', {
        model: 'lonely',
        messages: [{ role: 'user', content: 'x' }],
      });
      expect(bad.status).toBeGreaterThanOrEqual(500);
      const err = (await bad.json()) as { error: { message: string } };
      expect(err.error.message).toContain('down-1');
    } finally {
      await down.close();
      await backup.close();
    }
  });

  it('aborts the upstream request when the client disconnects', async () => {
    const slow = await startFakeUpstream({
      name: 'slow',
      ttftMs: 50,
      tokensPerSecond: 5,
      completionTokens: 200,
    });
    try {
      await seedRouting(t, [{ name: 'slow-0', modelGroup: 'slow', apiBase: slow.url }]);
      const res = await post(
        t,
        '/v1/chat/completions',
        { model: 'slow', stream: true, messages: [{ role: 'user', content: 'x' }] },
        {},
      );
      const reader = res.body!.getReader();
      await reader.read();
      expect(slow.stats().inFlight).toBe(1);
      await reader.cancel();
      for (let i = 0; i < 100 && slow.stats().inFlight > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(slow.stats().inFlight).toBe(0);
    } finally {
      await slow.close();
    }
  });

  it('cancels a non-stream upstream call when the client disconnects, and logs a 499', async () => {
    const hang = await startFakeUpstream({ name: 'hang-ns', fault: { kind: 'hang' } });
    try {
      await seedRouting(t, [{ name: 'hang-ns-0', modelGroup: 'hang-ns', apiBase: hang.url }]);
      const client = new AbortController();
      const pending = post(t, '/v1/chat/completions', {
        model: 'hang-ns',
        user: 'gone-before-answer',
        messages: [{ role: 'user', content: 'x' }],
      });
      const sent = fetch(`${t.url}/v1/chat/completions`, {
        method: 'POST',
        signal: client.signal,
        headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'hang-ns',
          user: 'hangs-up',
          messages: [{ role: 'user', content: 'x' }],
        }),
      }).catch((err: unknown) => err);
      for (let i = 0; i < 100 && hang.stats().inFlight < 2; i++) await new Promise((r) => setTimeout(r, 20));
      expect(hang.stats().inFlight).toBe(2);
      client.abort();
      await sent;
      // Only the call of the client that hung up ends; the other one still waits on the upstream.
      for (let i = 0; i < 100 && hang.stats().inFlight > 1; i++) await new Promise((r) => setTimeout(r, 20));
      expect(hang.stats().inFlight).toBe(1);
      await t.app.get(RequestLogWriter).flush();
      const row = await t.db.query<{ status: number; errorType: string }>(
        `SELECT status, "errorType" FROM "RequestLog" WHERE "endUser" = 'hangs-up'`,
      );
      expect(row.rows).toEqual([{ status: 499, errorType: 'client_closed_request' }]);
      await hang.close();
      await pending.catch(() => undefined);
    } finally {
      await hang.close().catch(() => undefined);
    }
  });

  it('gives up on an upstream that hangs past its timeout and answers from another deployment', async () => {
    const hang = await startFakeUpstream({ name: 'hang', fault: { kind: 'hang' } });
    const fine = await startFakeUpstream({ name: 'fine' });
    try {
      for (const [name, u, priority] of [
        ['hang-0', hang, 0],
        ['fine-0', fine, 1],
      ] as const) {
        const res = await fetch(`${t.url}/api/deployments`, {
          method: 'POST',
          headers: t.adminHeaders,
          body: JSON.stringify({
            name,
            modelGroup: 'hangy',
            provider: 'openai-compatible',
            model: 'm',
            apiBase: u.url,
            timeoutMs: 300,
            priority,
          }),
        });
        expect(res.status).toBe(201);
      }
      await fetch(`${t.url}/api/model-groups/hangy`, {
        method: 'PATCH',
        headers: t.adminHeaders,
        body: JSON.stringify({ strategy: 'priority' }),
      });
      const res = await post(t, '/v1/chat/completions', {
        model: 'hangy',
        messages: [{ role: 'user', content: 'x' }],
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-switchboard-deployment')).toBe('fine-0');
      expect(res.headers.get('x-switchboard-attempts')).toBe('2');
      expect(hang.stats().total).toBe(1);
    } finally {
      await hang.close();
      await fine.close();
    }
  });
  it('passes an OpenAI-shaped JSON answer through byte for byte and still reads its usage', async () => {
    // Odd spacing, unknown fields, a nested "usage" key inside a choice and inside string content: none of
    // it may be changed, and only the top-level usage counts.
    const body =
      '{ "id":"chatcmpl-raw", "object":"chat.completion", "x_vendor": {"usage": {"total_tokens": 999}},\n' +
      '  "choices":[{"index":0,"message":{"role":"assistant","content":"say \\"usage\\": {}"},' +
      '"finish_reason":"stop"}], "usage" : {"prompt_tokens":7,"completion_tokens":3,"total_tokens":10},' +
      ' "system_fingerprint":"fp_1" }\n';
    const raw = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
    });
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
    try {
      const res = await fetch(`${t.url}/api/deployments`, {
        method: 'POST',
        headers: t.adminHeaders,
        body: JSON.stringify({
          name: 'raw-0',
          modelGroup: 'raw-json',
          provider: 'openai-compatible',
          model: 'm',
          apiBase: `http://127.0.0.1:${(raw.address() as AddressInfo).port}/v1`,
        }),
      });
      expect(res.status).toBe(201);
      const answer = await post(t, '/v1/chat/completions', {
        model: 'raw-json',
        messages: [{ role: 'user', content: 'x' }],
      });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('application/json');
      expect(await answer.text()).toBe(body);
      const requestId = answer.headers.get('x-request-id');
      await t.app.get(RequestLogWriter).flush();
      const row = await t.db.query<{ promptTokens: number; completionTokens: number; totalTokens: number }>(
        `SELECT "promptTokens", "completionTokens", "totalTokens" FROM "RequestLog" WHERE "requestId" = $1`,
        [requestId],
      );
      expect(row.rows).toEqual([{ promptTokens: 7, completionTokens: 3, totalTokens: 10 }]);
    } finally {
      await new Promise((r) => raw.close(r));
    }
  });
});
