import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';
import { type FakeUpstream, startFakeUpstream } from '../../../fake-upstream/src';
import { adminCall, createProject, uniqueName } from '../keys/testing/admin-client';
import { LiveConfigService } from '../routing/live-config.service';
import { Router } from '../routing/router';
import { RouterRegistry } from '../routing/router-registry';
import { seedRouting } from '../testing/seed';
import { createTestApp, TEST_MASTER_KEY, type TestApp } from '../testing/test-app';
import { RequestLogWriter } from '../usage/request-log.writer';

/**
 * The gateway's worst requests (issue #9): clients that hang up mid-stream, upstreams that break off, go
 * silent or answer too much, and requests a provider cannot express. Real app, real PostgreSQL, fake
 * upstreams at the network edge.
 */

interface LogRow {
  status: number;
  errorType: string | null;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  deploymentName: string | null;
  attemptCount: number;
  ttftMs: number | null;
}

async function logRow(t: TestApp, requestId: string): Promise<LogRow> {
  await t.app.get(RequestLogWriter).flush();
  const res = await t.db.query<LogRow>(
    `SELECT status, "errorType", "promptTokens", "completionTokens", "costUsd", "deploymentName", "attemptCount", "ttftMs"
       FROM "RequestLog" WHERE "requestId" = $1`,
    [requestId],
  );
  expect(res.rows).toHaveLength(1);
  return res.rows[0]!;
}

function chat(t: TestApp, body: Record<string, unknown>, opts: { key?: string; signal?: AbortSignal } = {}) {
  return fetch(`${t.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${opts.key ?? TEST_MASTER_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: opts.signal,
  });
}

/** Reads SSE `data:` events until `n` have arrived (then stops reading). */
async function readDataEvents(res: Response, n: number): Promise<string[]> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const events: string[] = [];
  while (events.length < n) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) !== -1) {
      const event = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      if (event.startsWith('data: ')) events.push(event.slice(6));
    }
  }
  return events;
}

/** An upstream that sends stream headers, stays silent for `silenceMs`, then drops the connection. */
async function silentThenBroken(silenceMs: number): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.flushHeaders();
    setTimeout(() => res.destroy(), silenceMs);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** An upstream that accepts connections and never answers anything (not even a liveness probe). */
async function blackHole(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe('gateway hardening (real app, fake upstreams)', () => {
  let t: TestApp;
  const upstreams: { close(): Promise<void> }[] = [];
  const start = async (opts: Parameters<typeof startFakeUpstream>[0]): Promise<FakeUpstream> => {
    const up = await startFakeUpstream(opts);
    upstreams.push(up);
    return up;
  };

  beforeAll(async () => {
    t = await createTestApp({
      sseKeepAliveMs: 150,
      upstreamFirstByteTimeoutMs: 1_000,
      upstreamMaxResponseBytes: 64 * 1024,
    });
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all(upstreams.map((u) => u.close()));
  });

  it('bills a stream the client hangs up on: prompt and streamed tokens, status client closed', async () => {
    const up = await start({ name: 'slow', tokensPerSecond: 40, completionTokens: 200 });
    await seedRouting(t, [{ name: 'slow-0', modelGroup: 'gpt-4.1-slow', model: 'gpt-4.1', apiBase: up.url }]);
    const project = await createProject(t);
    const issued = await adminCall(t, 'POST', '/api/keys', {
      projectId: project.id,
      alias: uniqueName('dify'),
      maxBudgetUsd: 100,
      budgetPeriod: 'total',
    });
    expect(issued.status).toBe(201);
    const key = issued.body.key as string;

    const abort = new AbortController();
    const res = await chat(
      t,
      {
        model: 'gpt-4.1-slow',
        stream: true,
        messages: [{ role: 'user', content: 'tell me a long story about gateways' }],
      },
      { key, signal: abort.signal },
    );
    expect(res.status).toBe(200);
    const requestId = res.headers.get('x-request-id')!;
    const events = await readDataEvents(res, 6);
    expect(events.length).toBe(6);
    abort.abort();

    await waitFor(async () => (await countRows(t, requestId)) === 1);
    const row = await logRow(t, requestId);
    expect(row.status).toBe(499);
    expect(row.errorType).toBe('client_closed_request');
    expect(row.promptTokens).toBeGreaterThan(0);
    expect(row.completionTokens).toBeGreaterThanOrEqual(4);
    expect(row.completionTokens).toBeLessThan(200);
    expect(row.costUsd).toBeGreaterThan(0);
    const spend = await t.db.query<{ spendUsd: number }>(
      `SELECT "spendUsd" FROM "VirtualKey" WHERE id = $1`,
      [issued.body.id],
    );
    expect(spend.rows[0]!.spendUsd).toBeCloseTo(row.costUsd, 10);
  });

  it('bills what a stream sent before the upstream broke off', async () => {
    const up = await start({ name: 'broken', fault: { kind: 'midstream', afterChunks: 4 } });
    await seedRouting(t, [
      { name: 'broken-0', modelGroup: 'gpt-4.1-broken', model: 'gpt-4.1', apiBase: up.url },
    ]);
    const res = await chat(t, {
      model: 'gpt-4.1-broken',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const text = await res.text();
    expect(text).toContain('"error"');
    const row = await logRow(t, res.headers.get('x-request-id')!);
    expect(row.status).toBeGreaterThanOrEqual(500);
    expect(row.promptTokens).toBeGreaterThan(0);
    expect(row.completionTokens).toBeGreaterThan(0);
  });

  it('answers a stream that broke before its first event with an error when no deployment is left, never silence', async () => {
    const up = await start({ name: 'broken-at-once', fault: { kind: 'midstream', afterChunks: 0 } });
    await seedRouting(t, [
      { name: 'broken-at-once-0', modelGroup: 'gpt-4.1-broken-at-once', model: 'gpt-4.1', apiBase: up.url },
    ]);
    const res = await chat(
      t,
      { model: 'gpt-4.1-broken-at-once', stream: true, messages: [{ role: 'user', content: 'hi' }] },
      { signal: AbortSignal.timeout(10_000) },
    );
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(res.headers.get('x-switchboard-deployment')).toBe('broken-at-once-0');
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.message).toContain('broken-at-once-0: stream failed');
    const row = await logRow(t, res.headers.get('x-request-id')!);
    expect(row.status).toBe(502);
  });

  it('fails over a stream whose first deployment only ever sent keep-alive pings', async () => {
    const silent = await silentThenBroken(600);
    upstreams.push(silent);
    const good = await start({ name: 'good' });
    await seedRouting(
      t,
      [
        {
          name: 'ping-silent',
          modelGroup: 'gpt-4.1-ping',
          model: 'gpt-4.1',
          apiBase: silent.url,
          priority: 0,
        },
        { name: 'ping-good', modelGroup: 'gpt-4.1-ping', model: 'gpt-4.1', apiBase: good.url, priority: 1 },
      ],
      [{ name: 'gpt-4.1-ping', strategy: 'priority' }],
    );
    const res = await chat(t, {
      model: 'gpt-4.1-ping',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const text = await res.text();
    expect(text).toContain(': ping');
    expect(text).toContain('"content"');
    expect(text).not.toContain('"error"');
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    const row = await logRow(t, res.headers.get('x-request-id')!);
    expect(row.status).toBe(200);
    expect(row.deploymentName).toBe('ping-good');
    expect(row.attemptCount).toBe(2);
  });

  it("times a stream's first token from its own attempt, not from a failed attempt before it", async () => {
    const slowFail = await start({
      name: 'slow-fail',
      latencyMs: 800,
      fault: { kind: 'status', status: 500 },
    });
    const quick = await start({ name: 'quick' });
    await seedRouting(
      t,
      [
        {
          name: 'ttft-fail',
          modelGroup: 'gpt-4.1-ttft',
          model: 'gpt-4.1',
          apiBase: slowFail.url,
          priority: 0,
        },
        { name: 'ttft-quick', modelGroup: 'gpt-4.1-ttft', model: 'gpt-4.1', apiBase: quick.url, priority: 1 },
      ],
      [{ name: 'gpt-4.1-ttft', strategy: 'priority' }],
    );
    const res = await chat(t, {
      model: 'gpt-4.1-ttft',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(await res.text()).toContain('data: [DONE]');
    const row = await logRow(t, res.headers.get('x-request-id')!);
    expect(row.deploymentName).toBe('ttft-quick');
    const quickId = t.app
      .get(RouterRegistry)
      .listGroups()
      .find((g) => g.policy.name === 'gpt-4.1-ttft')!
      .deployments.find((d) => d.name === 'ttft-quick')!.id;
    // The client waited for the failed attempt (800 ms+) before its first token; the deployment that served
    // it is timed from its own attempt, so its figure is the request's minus at least that wait.
    expect(row.ttftMs).toBeGreaterThanOrEqual(800);
    expect(t.app.get(Router).deploymentState(quickId)?.ttftMs).toBeLessThanOrEqual(row.ttftMs! - 790);
  });

  it('moves a stream past an upstream that never sends its headers, within the first-byte timeout', async () => {
    const hung = await start({ name: 'hung', fault: { kind: 'hang' } });
    const good = await start({ name: 'fine' });
    await seedRouting(
      t,
      [
        { name: 'ttfb-hung', modelGroup: 'gpt-4.1-ttfb', model: 'gpt-4.1', apiBase: hung.url, priority: 0 },
        { name: 'ttfb-fine', modelGroup: 'gpt-4.1-ttfb', model: 'gpt-4.1', apiBase: good.url, priority: 1 },
      ],
      [{ name: 'gpt-4.1-ttfb', strategy: 'priority' }],
    );
    const res = await chat(t, {
      model: 'gpt-4.1-ttfb',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('data: [DONE]');
    const row = await logRow(t, res.headers.get('x-request-id')!);
    expect(row.deploymentName).toBe('ttfb-fine');
  });

  it('refuses an upstream answer larger than it reads into memory with a 502, not by growing without bound', async () => {
    const big = await start({ name: 'big', dimensions: 8192 });
    await seedRouting(t, [
      { name: 'big-0', modelGroup: 'emb-big', model: 'text-embedding-3-small', apiBase: big.url },
    ]);
    const res = await fetch(`${t.url}/v1/embeddings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'emb-big', input: 'hello' }),
    });
    expect(res.status).toBe(502);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/larger than/);
  });

  it('fails over requests stuck on an upstream that accepts connections and never answers', async () => {
    const t2 = await createTestApp({ upstreamProbeAfterMs: 300 });
    try {
      const hole = await blackHole();
      upstreams.push(hole);
      const good = await start({ name: 'alive' });
      await seedRouting(
        t2,
        [
          { name: 'hole-0', modelGroup: 'gpt-4.1-hole', model: 'gpt-4.1', apiBase: hole.url, priority: 0 },
          { name: 'alive-0', modelGroup: 'gpt-4.1-hole', model: 'gpt-4.1', apiBase: good.url, priority: 1 },
        ],
        [{ name: 'gpt-4.1-hole', strategy: 'priority' }],
      );
      const res = await chat(t2, { model: 'gpt-4.1-hole', messages: [{ role: 'user', content: 'hi' }] });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-switchboard-deployment')).toBe('alive-0');
      expect(res.headers.get('x-switchboard-attempts')).toBe('2');
      const holeId = t2.app
        .get(RouterRegistry)
        .listGroups()
        .find((g) => g.policy.name === 'gpt-4.1-hole')!
        .deployments.find((d) => d.name === 'hole-0')!.id;
      expect(t2.app.get(Router).deploymentState(holeId)?.healthy).toBe(false);
    } finally {
      await t2.close();
    }
  }, 20_000);

  it('a route the upstreams lack answers 404 and leaves every deployment serving chat', async () => {
    const ups = await Promise.all(['r1', 'r2', 'r3'].map((name) => start({ name })));
    await seedRouting(
      t,
      ups.map((u, i) => ({
        name: `routes-${i}`,
        modelGroup: 'gpt-4.1-routes',
        model: 'gpt-4.1',
        apiBase: u.url,
      })),
      // Round robin, so 15 chats reach each deployment 5 times unless one was wrongly taken out of rotation
      // (a random split missed one of three in 15 requests 0.7 % of the time).
      [{ name: 'gpt-4.1-routes', allowedFails: 1, strategy: 'round-robin' }],
    );
    const speech = await fetch(`${t.url}/v1/audio/speech`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4.1-routes', input: 'hello', voice: 'alloy' }),
    });
    expect(speech.status).toBe(404);
    const body = (await speech.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('unsupported_endpoint');
    expect(body.error.message).toContain('audio/speech');
    for (const u of ups) u.reset();
    for (let i = 0; i < 15; i++) {
      const res = await chat(t, { model: 'gpt-4.1-routes', messages: [{ role: 'user', content: 'hi' }] });
      expect(res.status).toBe(200);
    }
    expect(ups.map((u) => u.stats().total)).toEqual([5, 5, 5]);
  });

  it("caps a day-long Retry-After at the group's longest cooldown", async () => {
    const limited = await start({
      name: 'day',
      fault: { kind: 'status', status: 429, retryAfterSeconds: 86_400 },
    });
    await seedRouting(t, [
      { name: 'day-0', modelGroup: 'gpt-4.1-day', model: 'gpt-4.1', apiBase: limited.url },
    ]);
    await t.db.query(`UPDATE "ModelGroup" SET "maxCooldownSeconds" = 1 WHERE name = 'gpt-4.1-day'`);
    await t.app.get(LiveConfigService).changed();
    const first = await chat(t, { model: 'gpt-4.1-day', messages: [{ role: 'user', content: 'hi' }] });
    expect(first.status).toBe(429);
    expect(Number(first.headers.get('retry-after'))).toBeLessThanOrEqual(1);
    limited.configure({ fault: { kind: 'none' } });
    await new Promise((r) => setTimeout(r, 1_100));
    const later = await chat(t, { model: 'gpt-4.1-day', messages: [{ role: 'user', content: 'hi' }] });
    expect(later.status).toBe(200);
  });

  it('ends a request at the whole-request deadline however many deployments hang', async () => {
    const t2 = await createTestApp({ upstreamTimeoutMs: 1_500 });
    try {
      const hung = await Promise.all(
        ['h1', 'h2', 'h3'].map((name) => start({ name, fault: { kind: 'hang' } })),
      );
      await seedRouting(
        t2,
        hung.map((u, i) => ({
          name: `deadline-${i}`,
          modelGroup: 'gpt-4.1-deadline',
          model: 'gpt-4.1',
          apiBase: u.url,
        })),
        [{ name: 'gpt-4.1-deadline', numRetries: 2 }],
      );
      const res = await chat(t2, { model: 'gpt-4.1-deadline', messages: [{ role: 'user', content: 'hi' }] });
      expect(res.status).toBe(504);
    } finally {
      await t2.close();
    }
  });

  it('serves a request one provider cannot express from another deployment, leaving the first in rotation', async () => {
    const good = await start({ name: 'compat' });
    await seedRouting(
      t,
      [
        {
          name: 'mixed-anthropic',
          modelGroup: 'mixed',
          provider: 'anthropic',
          model: 'claude-sonnet-4',
          apiBase: 'http://127.0.0.1:9/v1',
          priority: 0,
        },
        { name: 'mixed-openai', modelGroup: 'mixed', model: 'gpt-4.1', apiBase: good.url, priority: 1 },
      ],
      [{ name: 'mixed', strategy: 'priority', allowedFails: 1 }],
    );
    // Anthropic needs at least one user or assistant message; OpenAI-compatible servers take a system-only one.
    for (let i = 0; i < 3; i++) {
      const res = await chat(t, { model: 'mixed', messages: [{ role: 'system', content: 'be brief' }] });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-switchboard-deployment')).toBe('mixed-openai');
    }
    const anthropic = t.app
      .get(RouterRegistry)
      .listGroups()
      .find((g) => g.policy.name === 'mixed')!
      .deployments.find((d) => d.name === 'mixed-anthropic')!;
    expect(t.app.get(Router).deploymentState(anthropic.id)?.healthy).toBe(true);
  });
});

async function countRows(t: TestApp, requestId: string): Promise<number> {
  await t.app.get(RequestLogWriter).flush();
  const res = await t.db.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM "RequestLog" WHERE "requestId" = $1`,
    [requestId],
  );
  return Number(res.rows[0]!.n);
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not met in time');
}
