import { spawn } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { startFakeUpstream, type FakeUpstream, type FakeUpstreamOptions } from './fake-upstream';
import { parseCliArgs } from './main';

let up: FakeUpstream | undefined;

afterEach(async () => {
  await up?.close();
  up = undefined;
});

async function start(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  up = await startFakeUpstream(options);
  return up;
}

function server(): FakeUpstream {
  if (up === undefined) throw new Error('server not started');
  return up;
}

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server().url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

/** Splits an SSE body into the payloads of its `data:` frames, asserting the exact framing. */
function sseFrames(text: string): string[] {
  expect(text.endsWith('\n\n')).toBe(true);
  return text
    .slice(0, -2)
    .split('\n\n')
    .map((frame) => {
      expect(frame.startsWith('data: ')).toBe(true);
      expect(frame.includes('\n')).toBe(false);
      return frame.slice(6);
    });
}

/** Reads a body until it ends or breaks; returns what arrived and whether it broke. */
async function readUntilError(res: Response): Promise<{ text: string; failed: boolean }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text, failed: false };
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    return { text, failed: true };
  }
}

async function waitFor(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const chatBody = (extra: Record<string, unknown> = {}) => ({
  model: 'gpt-4.1',
  messages: [{ role: 'user', content: 'Say hello please' }], // 16 chars -> 4 prompt tokens
  ...extra,
});

describe('startFakeUpstream', () => {
  it('listens on a random port and exposes url/baseUrl/port', async () => {
    const s = await start();
    expect(s.port).toBeGreaterThan(0);
    expect(s.baseUrl).toBe(`http://127.0.0.1:${s.port}`);
    expect(s.url).toBe(`http://127.0.0.1:${s.port}/v1`);
  });

  it('rejects invalid start options', async () => {
    await expect(startFakeUpstream({ completionTokens: -1 })).rejects.toThrow(/completionTokens/);
  });
});

describe('chat completions', () => {
  it('answers a non-stream request with a deterministic, OpenAI-shaped body', async () => {
    await start({ name: 'alpha' });
    const res = await post('/chat/completions', chatBody());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = await json(res);
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4.1',
      choices: [{ index: 0, message: { role: 'assistant' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 4, completion_tokens: 16, total_tokens: 20 },
    });
    expect(body.id).toMatch(/^chatcmpl-/);
    expect(Math.abs((body.created as number) - Date.now() / 1000)).toBeLessThan(5);
    const content = (body.choices as Array<{ message: { content: string } }>)[0].message.content;
    expect(content.startsWith('Hello from alpha. ')).toBe(true);
    expect(content.split(' ')).toHaveLength(16);
  });

  it('caps the completion at max_tokens / max_completion_tokens with finish_reason "length"', async () => {
    await start({ completionTokens: 10 });
    const a = await json(await post('/chat/completions', chatBody({ max_tokens: 3 })));
    expect(a).toMatchObject({
      choices: [{ message: { content: 'Hello from fake.' }, finish_reason: 'length' }],
      usage: { completion_tokens: 3 },
    });
    const b = await json(await post('/chat/completions', chatBody({ max_completion_tokens: 5 })));
    expect(b).toMatchObject({ usage: { completion_tokens: 5 }, choices: [{ finish_reason: 'length' }] });
    const c = await json(await post('/chat/completions', chatBody({ max_tokens: 100 })));
    expect(c).toMatchObject({ usage: { completion_tokens: 10 }, choices: [{ finish_reason: 'stop' }] });
  });

  it('serves every endpoint without the /v1 prefix as well', async () => {
    const s = await start();
    const res = await fetch(`${s.baseUrl}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify(chatBody()),
    });
    expect(res.status).toBe(200);
    const models = await json(await fetch(`${s.baseUrl}/models`));
    expect(models.object).toBe('list');
    expect(s.stats().byPath).toEqual({ '/chat/completions': 1, '/models': 1 });
  });

  it('streams role chunk, one chunk per token, finish chunk and [DONE]', async () => {
    await start({ completionTokens: 4 });
    const res = await post('/chat/completions', chatBody({ stream: true }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const text = await res.text();
    expect(text).not.toContain('event:');
    const frames = sseFrames(text);
    expect(frames).toHaveLength(1 + 4 + 1 + 1);
    expect(frames[frames.length - 1]).toBe('[DONE]');
    const chunks = frames.slice(0, -1).map((f) => JSON.parse(f) as Record<string, unknown>);
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({ object: 'chat.completion.chunk', model: 'gpt-4.1', id: chunks[0].id });
      expect(typeof chunk.created).toBe('number');
    }
    expect(chunks[0].choices).toEqual([
      { index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null },
    ]);
    const deltas = chunks
      .slice(1, 5)
      .map((c) => (c.choices as Array<{ delta: { content: string } }>)[0].delta.content);
    expect(deltas.join('')).toBe('Hello from fake. lorem');
    expect(chunks[5].choices).toEqual([{ index: 0, delta: {}, finish_reason: 'stop' }]);
    expect(text).not.toContain('"usage"');
  });

  it('adds a usage chunk only when stream_options.include_usage is true', async () => {
    await start({ completionTokens: 2 });
    const text = await (
      await post('/chat/completions', chatBody({ stream: true, stream_options: { include_usage: true } }))
    ).text();
    const frames = sseFrames(text);
    expect(frames[frames.length - 1]).toBe('[DONE]');
    const usageChunk = JSON.parse(frames[frames.length - 2]) as Record<string, unknown>;
    expect(usageChunk).toMatchObject({
      object: 'chat.completion.chunk',
      choices: [],
      usage: { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 },
    });
  });

  it('reports cachedTokens as prompt_tokens_details.cached_tokens (at most the prompt), streamed or not', async () => {
    await start({ completionTokens: 2 });
    // Off by default: no details at all, like upstreams without prompt caching.
    expect((await json(await post('/chat/completions', chatBody()))).usage).toEqual({
      prompt_tokens: 4,
      completion_tokens: 2,
      total_tokens: 6,
    });

    server().configure({ cachedTokens: 3 });
    expect((await json(await post('/chat/completions', chatBody()))).usage).toEqual({
      prompt_tokens: 4,
      completion_tokens: 2,
      total_tokens: 6,
      prompt_tokens_details: { cached_tokens: 3 },
    });
    const frames = sseFrames(
      await (
        await post('/chat/completions', chatBody({ stream: true, stream_options: { include_usage: true } }))
      ).text(),
    );
    expect(JSON.parse(frames[frames.length - 2]!)).toMatchObject({
      usage: { prompt_tokens: 4, prompt_tokens_details: { cached_tokens: 3 } },
    });
    const completion = await json(await post('/completions', { model: 'x', prompt: 'abcdefgh' }));
    expect(completion.usage).toMatchObject({ prompt_tokens: 2, prompt_tokens_details: { cached_tokens: 2 } });

    // Over HTTP too, validated like every other setting.
    const bad = await fetch(`${server().baseUrl}/_fake/config`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cachedTokens: -1 }),
    });
    expect(bad.status).toBe(400);
    expect(parseCliArgs(['--cached-tokens', '12']).options.cachedTokens).toBe(12);
  });

  it('rejects a request without messages', async () => {
    await start();
    const res = await post('/chat/completions', { model: 'x' });
    expect(res.status).toBe(400);
    expect(await json(res)).toMatchObject({ error: { param: 'messages', type: 'invalid_request_error' } });
  });
});

describe('tool calls', () => {
  const tools = [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        parameters: {
          type: 'object',
          properties: { city: { type: 'string' }, days: { type: 'integer' } },
          required: ['city', 'days'],
        },
      },
    },
  ];

  it('answers with a tool call when toolCalls is enabled and the user spoke last', async () => {
    await start({ toolCalls: true });
    const body = await json(await post('/chat/completions', chatBody({ tools })));
    const choice = (body.choices as Array<Record<string, unknown>>)[0];
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message).toMatchObject({
      role: 'assistant',
      content: null,
      tool_calls: [{ type: 'function', function: { name: 'get_weather' } }],
    });
    const call = (choice.message as { tool_calls: Array<{ id: string; function: { arguments: string } }> })
      .tool_calls[0];
    expect(call.id).toMatch(/^call_/);
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'fake', days: 1 });
  });

  it('answers with text when disabled, after a tool result, or with tool_choice "none"', async () => {
    await start({ toolCalls: false });
    const plain = await json(await post('/chat/completions', chatBody({ tools })));
    expect(plain).toMatchObject({ choices: [{ finish_reason: 'stop' }] });
    server().configure({ toolCalls: true });
    const afterTool = await json(
      await post('/chat/completions', {
        model: 'm',
        tools,
        messages: [
          { role: 'user', content: 'weather?' },
          { role: 'assistant', content: null, tool_calls: [] },
          { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
        ],
      }),
    );
    expect(afterTool).toMatchObject({ choices: [{ finish_reason: 'stop' }] });
    const none = await json(await post('/chat/completions', chatBody({ tools, tool_choice: 'none' })));
    expect(none).toMatchObject({ choices: [{ finish_reason: 'stop' }] });
  });

  it('honours tool_choice "required" even when toolCalls is off', async () => {
    await start();
    const body = await json(await post('/chat/completions', chatBody({ tools, tool_choice: 'required' })));
    expect(body).toMatchObject({ choices: [{ finish_reason: 'tool_calls' }] });
  });

  it('streams a tool call', async () => {
    await start({ toolCalls: true });
    const frames = sseFrames(
      await (await post('/chat/completions', chatBody({ tools, stream: true }))).text(),
    );
    const chunks = frames
      .slice(0, -1)
      .map((f) => JSON.parse(f) as { choices: Array<Record<string, unknown>> });
    expect(chunks[0].choices[0].delta).toMatchObject({
      role: 'assistant',
      tool_calls: [{ index: 0, type: 'function', function: { name: 'get_weather', arguments: '' } }],
    });
    expect(chunks[1].choices[0].delta).toEqual({
      tool_calls: [{ index: 0, function: { arguments: '{"city":"fake","days":1}' } }],
    });
    expect(chunks[chunks.length - 1].choices[0]).toMatchObject({ finish_reason: 'tool_calls' });
  });
});

describe('legacy completions', () => {
  it('answers non-stream and stream requests', async () => {
    await start({ completionTokens: 3 });
    const body = await json(
      await post('/completions', { model: 'gpt-3.5-turbo-instruct', prompt: 'abcdefgh' }),
    );
    expect(body).toMatchObject({
      object: 'text_completion',
      model: 'gpt-3.5-turbo-instruct',
      choices: [{ index: 0, text: 'Hello from fake.', finish_reason: 'stop' }],
      usage: { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 },
    });

    const frames = sseFrames(
      await (
        await post('/completions', { prompt: 'x', stream: true, stream_options: { include_usage: true } })
      ).text(),
    );
    expect(frames).toHaveLength(3 + 1 + 1 + 1);
    const chunks = frames.slice(0, -1).map((f) => JSON.parse(f) as { choices: Array<{ text: string }> });
    expect(
      chunks
        .slice(0, 3)
        .map((c) => c.choices[0].text)
        .join(''),
    ).toBe('Hello from fake.');
    expect(chunks[3].choices[0]).toMatchObject({ text: '', finish_reason: 'stop' });
    expect(chunks[4]).toMatchObject({
      object: 'text_completion',
      choices: [],
      usage: { completion_tokens: 3 },
    });
  });
});

describe('embeddings', () => {
  type EmbeddingList = { data: Array<{ index: number; object: string; embedding: number[] | string }> };

  it('embeds strings, string arrays and token arrays deterministically and in order', async () => {
    await start();
    const single = (await json(
      await post('/embeddings', { model: 'e', input: 'alpha' }),
    )) as unknown as EmbeddingList;
    expect(single.data).toHaveLength(1);
    const v = single.data[0].embedding as number[];
    expect(v).toHaveLength(8);
    expect(Math.hypot(...v)).toBeCloseTo(1, 5);

    const many = await json(await post('/embeddings', { model: 'e', input: ['beta', 'alpha'] }));
    // ceil(4/4) + ceil(5/4)
    expect(many).toMatchObject({ object: 'list', model: 'e', usage: { prompt_tokens: 3, total_tokens: 3 } });
    const list = many as unknown as EmbeddingList;
    expect(list.data.map((d) => d.index)).toEqual([0, 1]);
    expect(list.data[1].embedding).toEqual(v);
    expect(list.data[0].embedding).not.toEqual(v);

    const tokens = await json(await post('/embeddings', { input: [[1, 2, 3], [4]] }));
    expect(tokens).toMatchObject({ usage: { prompt_tokens: 4 } });
    expect((tokens as unknown as EmbeddingList).data).toHaveLength(2);
  });

  it('honours dimensions (option and request) and base64 encoding', async () => {
    await start({ dimensions: 4 });
    const plain = (await json(await post('/embeddings', { input: 'x' }))) as unknown as EmbeddingList;
    expect(plain.data[0].embedding).toHaveLength(4);
    const wide = (await json(
      await post('/embeddings', { input: 'x', dimensions: 12 }),
    )) as unknown as EmbeddingList;
    expect(wide.data[0].embedding).toHaveLength(12);

    const b64 = (await json(
      await post('/embeddings', { input: 'x', encoding_format: 'base64' }),
    )) as unknown as EmbeddingList;
    const buf = Buffer.from(b64.data[0].embedding as string, 'base64');
    const decoded = Array.from({ length: buf.length / 4 }, (_, i) => buf.readFloatLE(i * 4));
    expect(decoded).toEqual(plain.data[0].embedding);
  });

  it('rejects missing input', async () => {
    await start();
    const res = await post('/embeddings', { model: 'e' });
    expect(res.status).toBe(400);
    expect(await json(res)).toMatchObject({ error: { param: 'input' } });
  });
});

describe('rerank', () => {
  it('scores documents in 0..1, sorted descending, honouring top_n', async () => {
    await start();
    const documents = [
      'the weather is nice',
      'cats purr',
      'cats and dogs play together',
      { text: 'dogs bark' },
    ];
    const body = await json(await post('/rerank', { model: 'r', query: 'cats dogs', documents, top_n: 3 }));
    const results = body.results as Array<{ index: number; relevance_score: number }>;
    expect(results).toHaveLength(3);
    expect(results[0].index).toBe(2); // only doc containing both query words
    for (let i = 0; i < results.length; i++) {
      expect(results[i].relevance_score).toBeGreaterThanOrEqual(0);
      expect(results[i].relevance_score).toBeLessThanOrEqual(1);
      if (i > 0) expect(results[i].relevance_score).toBeLessThanOrEqual(results[i - 1].relevance_score);
    }
    expect(results.map((r) => r.index)).not.toContain(0); // no overlap -> lowest
    expect(typeof body.id).toBe('string');
    expect(body.meta).toBeDefined();
  });
});

describe('models', () => {
  it('lists configured models and serves one by id', async () => {
    await start({ models: ['a-model', 'org/b-model'] });
    const list = await json(await fetch(`${server().url}/models`));
    expect(list).toEqual({
      object: 'list',
      data: [
        { id: 'a-model', object: 'model', created: expect.any(Number), owned_by: 'fake-upstream' },
        { id: 'org/b-model', object: 'model', created: expect.any(Number), owned_by: 'fake-upstream' },
      ],
    });
    expect(await json(await fetch(`${server().url}/models/org/b-model`))).toMatchObject({
      id: 'org/b-model',
    });
    const missing = await fetch(`${server().url}/models/nope`);
    expect(missing.status).toBe(404);
    expect(await json(missing)).toMatchObject({ error: { code: 'model_not_found' } });
  });

  it('defaults to the documented model list', async () => {
    await start();
    const list = (await json(await fetch(`${server().url}/models`))) as { data: Array<{ id: string }> };
    expect(list.data.map((m) => m.id)).toEqual(['gpt-4.1', 'gpt-4.1-mini', 'text-embedding-3-small']);
  });
});

describe('auth and errors', () => {
  it('accepts the key from Authorization, api-key or x-api-key and rejects others with 401', async () => {
    await start({ requireApiKey: ['sk-good', 'sk-other'] });
    expect((await post('/chat/completions', chatBody(), { authorization: 'Bearer sk-good' })).status).toBe(
      200,
    );
    expect((await post('/chat/completions', chatBody(), { 'api-key': 'sk-other' })).status).toBe(200);
    expect((await post('/chat/completions', chatBody(), { 'x-api-key': 'sk-good' })).status).toBe(200);

    const rejected: Array<Record<string, string>> = [{ authorization: 'Bearer sk-bad' }, {}];
    for (const headers of rejected) {
      const res = await post('/chat/completions', chatBody(), headers);
      expect(res.status).toBe(401);
      expect(await json(res)).toEqual({
        error: {
          message: expect.any(String),
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      });
    }
    expect(server().stats().byKey).toEqual({ 'sk-good': 2, 'sk-other': 1, 'sk-bad': 1, '(none)': 1 });
  });

  it('answers unknown routes with an OpenAI-shaped 404', async () => {
    await start();
    const res = await fetch(`${server().url}/nope`);
    expect(res.status).toBe(404);
    expect(await json(res)).toEqual({
      error: {
        message: 'Invalid URL (GET /v1/nope)',
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
  });

  it('answers malformed JSON with an OpenAI-shaped 400 and records the raw body', async () => {
    await start();
    const res = await post('/chat/completions', '{"model": ');
    expect(res.status).toBe(400);
    expect(await json(res)).toMatchObject({ error: { type: 'invalid_request_error', param: null } });
    expect(server().requests()[0].body).toBe('{"model": ');
  });
});

describe('observability', () => {
  it('counts by key, path and model, and serves the same stats over HTTP', async () => {
    const s = await start({ name: 'obs' });
    await post('/chat/completions', chatBody(), { authorization: 'Bearer k1' });
    await post('/chat/completions', chatBody({ model: 'gpt-4.1-mini' }), { authorization: 'Bearer k1' });
    await post('/embeddings', { model: 'emb', input: 'x' }, { 'x-api-key': 'k2' });
    const expected = {
      name: 'obs',
      total: 3,
      byKey: { k1: 2, k2: 1 },
      byPath: { '/v1/chat/completions': 2, '/v1/embeddings': 1 },
      byModel: { 'gpt-4.1': 1, 'gpt-4.1-mini': 1, emb: 1 },
      inFlight: 0,
      maxInFlight: 1,
      faultsInjected: 0,
    };
    expect(s.stats()).toEqual(expected);
    // Control endpoints are not counted themselves.
    expect(await json(await fetch(`${s.baseUrl}/_fake/stats`))).toEqual(expected);
    expect(await json(await fetch(`${s.baseUrl}/_fake/stats`))).toEqual(expected);
  });

  it('records the last N request bodies and headers', async () => {
    const s = await start({ maxRecordedRequests: 2 });
    for (const n of [1, 2, 3]) {
      await post('/chat/completions', chatBody({ n, custom_field: { keep: true } }), {
        authorization: `Bearer key-${n}`,
        'x-trace': `t${n}`,
      });
    }
    const recorded = s.requests();
    expect(recorded).toHaveLength(2);
    expect(recorded[0]).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      apiKey: 'key-2',
      body: { n: 2, custom_field: { keep: true } },
      headers: { 'x-trace': 't2' },
    });
    expect(recorded[1].apiKey).toBe('key-3');
    expect(typeof recorded[1].at).toBe('number');
    const overHttp = (await json(await fetch(`${s.baseUrl}/_fake/requests`))) as unknown as Array<{
      apiKey: string;
    }>;
    expect(overHttp.map((r) => r.apiKey)).toEqual(['key-2', 'key-3']);
  });

  it('tracks in-flight and max in-flight requests', async () => {
    const s = await start({ latencyMs: 150 });
    const pending = [1, 2, 3].map(() => post('/chat/completions', chatBody()));
    await waitFor(() => s.stats().inFlight === 3);
    await Promise.all(pending);
    expect(s.stats()).toMatchObject({ inFlight: 0, maxInFlight: 3, total: 3 });
  });

  it('resets stats via reset() and POST /_fake/reset', async () => {
    const s = await start();
    await post('/chat/completions', chatBody());
    s.reset();
    expect(s.stats()).toMatchObject({ total: 0, byKey: {}, byPath: {}, maxInFlight: 0 });
    expect(s.requests()).toEqual([]);
    await post('/chat/completions', chatBody());
    const res = await fetch(`${s.baseUrl}/_fake/reset`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(s.stats().total).toBe(0);
  });

  it('reset({ config: true }) restores the start options', async () => {
    const s = await start({ name: 'orig', completionTokens: 3 });
    s.configure({ name: 'changed', completionTokens: 5 });
    expect(s.config()).toMatchObject({ name: 'changed', completionTokens: 5 });
    s.reset();
    expect(s.config().name).toBe('changed');
    s.reset({ config: true });
    expect(s.config()).toMatchObject({ name: 'orig', completionTokens: 3 });
  });

  it('changes behaviour at runtime through POST /_fake/config and validates it', async () => {
    const s = await start();
    const res = await fetch(`${s.baseUrl}/_fake/config`, {
      method: 'POST',
      body: JSON.stringify({ name: 'renamed', completionTokens: 2, fault: { kind: 'status', status: 503 } }),
    });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ name: 'renamed', completionTokens: 2, fault: { status: 503 } });
    expect((await post('/chat/completions', chatBody())).status).toBe(503);
    await fetch(`${s.baseUrl}/_fake/config`, { method: 'POST', body: JSON.stringify({ fault: null }) });
    const ok = await json(await post('/chat/completions', chatBody()));
    expect(ok).toMatchObject({ choices: [{ message: { content: 'Hello from' } }] });

    for (const bad of [{ latency: 5 }, { completionTokens: 'many' }, { fault: { kind: 'explode' } }, [1]]) {
      const r = await fetch(`${s.baseUrl}/_fake/config`, { method: 'POST', body: JSON.stringify(bad) });
      expect(r.status).toBe(400);
      expect(await json(r)).toMatchObject({ error: { type: 'invalid_request_error' } });
    }
    expect(() => s.configure({ dimensions: 0 })).toThrow(/dimensions/);
  });
});

describe('faults', () => {
  it('status fault: 503 with server_error body and Retry-After', async () => {
    const s = await start({ fault: { kind: 'status', status: 503, retryAfterSeconds: 7 } });
    const res = await post('/chat/completions', chatBody());
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(await json(res)).toMatchObject({ error: { type: 'server_error', param: null } });
    expect(s.stats()).toMatchObject({ total: 1, faultsInjected: 1 });
  });

  it('status fault: 429 is a rate_limit_error; a custom body replaces the error', async () => {
    const s = await start({ fault: { kind: 'status', status: 429 } });
    expect(await json(await post('/chat/completions', chatBody()))).toMatchObject({
      error: { type: 'rate_limit_error', code: 'rate_limit_exceeded' },
    });
    s.configure({ fault: { kind: 'status', status: 400, body: { oops: true } } });
    const res = await post('/chat/completions', chatBody());
    expect(res.status).toBe(400);
    expect(await json(res)).toEqual({ oops: true });
  });

  it('rate is applied with a deterministic counter and count limits the fault', async () => {
    const s = await start({ fault: { kind: 'status', status: 500, rate: 0.5 } });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await post('/chat/completions', chatBody())).status);
    expect(statuses).toEqual([200, 500, 200, 500, 200, 500]);

    s.configure({ fault: { kind: 'status', status: 502, count: 2 } });
    statuses.length = 0;
    for (let i = 0; i < 4; i++) statuses.push((await post('/chat/completions', chatBody())).status);
    expect(statuses).toEqual([502, 502, 200, 200]);
    expect(s.config().fault).toBeNull();
    expect(s.stats().faultsInjected).toBe(5);
  });

  it('configured faults spare GET /models (so health probes do not consume them)', async () => {
    await start({ fault: { kind: 'status', status: 500, count: 1 } });
    expect((await fetch(`${server().url}/models`)).status).toBe(200);
    expect((await post('/chat/completions', chatBody())).status).toBe(500);
  });

  it('hang: never answers, shows as in flight, and close() still returns promptly', async () => {
    const s = await start({ fault: { kind: 'hang' } });
    const hung = post('/chat/completions', chatBody());
    hung.catch(() => undefined); // asserted below, after close()
    await waitFor(() => s.stats().inFlight === 1);
    const timedOut = fetch(`${s.url}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify(chatBody()),
      signal: AbortSignal.timeout(100),
    });
    await expect(timedOut).rejects.toThrow();
    await s.close(); // resolves although a request is still hung (the test's timeout is the bound)
    await expect(hung).rejects.toThrow();
    expect(s.stats().faultsInjected).toBe(2);
  });

  it('reset: destroys the connection without answering', async () => {
    await start({ fault: { kind: 'reset' } });
    await expect(post('/chat/completions', chatBody())).rejects.toThrow();
    expect(server().stats()).toMatchObject({ total: 1, faultsInjected: 1 });
  });

  it('midstream: sends afterChunks SSE chunks and then kills the connection', async () => {
    await start({ fault: { kind: 'midstream', afterChunks: 3 } });
    const res = await post('/chat/completions', chatBody({ stream: true }));
    expect(res.status).toBe(200);
    const { text, failed } = await readUntilError(res);
    expect(failed).toBe(true);
    expect(sseFrames(text)).toHaveLength(3);
  });

  it('midstream on a non-stream request cuts the JSON body in half', async () => {
    await start({ fault: { kind: 'midstream' } });
    const res = await post('/chat/completions', chatBody());
    expect(res.status).toBe(200);
    expect((await readUntilError(res)).failed).toBe(true);
  });

  it('honours the x-fake-fault header per request, including "none" to bypass a configured fault', async () => {
    const s = await start();
    const r500 = await post('/chat/completions', chatBody(), { 'x-fake-fault': '500' });
    expect(r500.status).toBe(500);
    const r429 = await post('/embeddings', { input: 'x' }, { 'x-fake-fault': '429' });
    expect(r429.status).toBe(429);
    await expect(post('/chat/completions', chatBody(), { 'x-fake-fault': 'reset' })).rejects.toThrow();
    const mid = await post('/chat/completions', chatBody({ stream: true }), { 'x-fake-fault': 'midstream' });
    const broken = await readUntilError(mid);
    expect(broken.failed).toBe(true);
    expect(sseFrames(broken.text)).toHaveLength(2);
    const hang = fetch(`${s.url}/models`, {
      headers: { 'x-fake-fault': 'hang' },
      signal: AbortSignal.timeout(100),
    });
    await expect(hang).rejects.toThrow();
    expect(s.stats().faultsInjected).toBe(5);

    s.configure({ fault: { kind: 'status', status: 503 } });
    expect((await post('/chat/completions', chatBody(), { 'x-fake-fault': 'none' })).status).toBe(200);
    expect((await post('/chat/completions', chatBody(), { 'x-fake-fault': 'bogus' })).status).toBe(400);
  });
});

describe('rate limits', () => {
  it('sends x-ratelimit-* headers and answers 429 with Retry-After past rpm', async () => {
    await start({ rateLimitHeaders: true, rateLimit: { rpm: 2, tpm: 1000 }, completionTokens: 4 });
    const first = await post('/chat/completions', chatBody());
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-limit-requests')).toBe('2');
    expect(first.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    expect(first.headers.get('x-ratelimit-limit-tokens')).toBe('1000');
    expect(first.headers.get('x-ratelimit-remaining-tokens')).toBe(String(1000 - 8));
    expect(first.headers.get('x-ratelimit-reset-requests')).toMatch(/^(\d+(\.\d+)?(ms|s)|1m0s)$/);
    expect(first.headers.get('x-ratelimit-reset-tokens')).toMatch(/^(\d+(\.\d+)?(ms|s)|1m0s)$/);
    const second = await post('/chat/completions', chatBody());
    expect(second.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    const third = await post('/chat/completions', chatBody());
    expect(third.status).toBe(429);
    const retryAfter = Number(third.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await json(third)).toMatchObject({ error: { code: 'rate_limit_exceeded' } });
  });

  it('answers 429 once the per-minute token budget is used up', async () => {
    await start({ rateLimit: { tpm: 10 }, completionTokens: 16 });
    const first = await post('/chat/completions', chatBody());
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-limit-tokens')).toBeNull(); // headers are opt-in
    expect((await post('/chat/completions', chatBody())).status).toBe(429);
  });
});

describe('pacing and connections', () => {
  it('waits latencyMs before answering and ttftMs before the first token (generous bounds)', async () => {
    const s = await start({ latencyMs: 100 });
    let t0 = performance.now();
    await (await post('/chat/completions', chatBody())).json();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(90);

    s.configure({ latencyMs: 0, ttftMs: 150, tokensPerSecond: 1000 });
    t0 = performance.now();
    const res = await post('/chat/completions', chatBody({ stream: true }));
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    let firstContentAt = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      if (firstContentAt === 0 && text.includes('"content":"Hello"')) firstContentAt = performance.now();
    }
    expect(firstContentAt - t0).toBeGreaterThanOrEqual(140);
    expect(sseFrames(text)).toHaveLength(1 + 16 + 1 + 1);
  });

  it('keeps connections alive between requests', async () => {
    const s = await start();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const call = () =>
      new Promise<{ reused: boolean; connection: string | undefined }>((resolve, reject) => {
        const req = httpRequest(`${s.url}/chat/completions`, { method: 'POST', agent }, (res) => {
          res.resume();
          res.on('end', () => resolve({ reused: req.reusedSocket, connection: res.headers.connection }));
        });
        req.on('error', reject);
        req.end(JSON.stringify(chatBody()));
      });
    try {
      const a = await call();
      const b = await call();
      expect(a).toEqual({ reused: false, connection: 'keep-alive' });
      expect(b).toEqual({ reused: true, connection: 'keep-alive' });
    } finally {
      agent.destroy();
    }
  });

  it('close() is idempotent and closes idle keep-alive sockets', async () => {
    const s = await start();
    await (await post('/chat/completions', chatBody())).text();
    await Promise.all([s.close(), s.close()]);
    await expect(fetch(`${s.url}/models`)).rejects.toThrow();
  });
});

describe('CLI', () => {
  it('parses flags, with FAKE_UPSTREAM_* env vars as fallback', () => {
    const { options, help } = parseCliArgs(
      [
        '--port',
        '4010',
        '--name',
        'a',
        '--ttft-ms',
        '20',
        '--fault',
        '503',
        '--fault-rate',
        '0.5',
        '--tool-calls',
      ],
      {
        FAKE_UPSTREAM_PORT: '9999',
        FAKE_UPSTREAM_LATENCY_MS: '7',
        FAKE_UPSTREAM_MODELS: 'x, y',
        FAKE_UPSTREAM_REQUIRE_API_KEY: 'k1,k2',
      },
    );
    expect(help).toBe(false);
    expect(options).toEqual({
      port: 4010,
      name: 'a',
      ttftMs: 20,
      latencyMs: 7,
      toolCalls: true,
      models: ['x', 'y'],
      requireApiKey: ['k1', 'k2'],
      fault: { kind: 'status', status: 503, rate: 0.5 },
    });
    expect(parseCliArgs(['--fault', 'hang']).options.fault).toEqual({ kind: 'hang' });
    expect(() => parseCliArgs(['--port', 'abc'])).toThrow(/--port/);
    expect(() => parseCliArgs(['--unknown'])).toThrow();
  });

  it('starts, prints its listening line and exits on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['--require', 'tsx/cjs', join(__dirname, 'main.ts'), '--port', '0', '--name', 'cli'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) resolve(out.trim());
        });
        child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
      });
      expect(line).toMatch(/^fake-upstream cli listening on http:\/\/127\.0\.0\.1:\d+\/v1$/);
      const url = line.split(' ').pop()!;
      expect((await fetch(`${url}/models`)).status).toBe(200);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 15_000);
});
