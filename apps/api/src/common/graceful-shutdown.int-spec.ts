import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { type FakeUpstream, startFakeUpstream } from '../../../fake-upstream/src';
import { freePort, startEmbeddedPostgres } from '../database/embedded-postgres';
import { seedRouting } from '../testing/seed';
import { createTestApp, TEST_MASTER_KEY, type TestApp } from '../testing/test-app';
import { gracefulShutdownOf } from './graceful-shutdown';

// Ctrl+C on `npm start` as a terminal sends it: SIGINT to every process of the foreground group, with
// the default embedded PostgreSQL. The gateway runs from its sources in a child process of its own.
const ROOT = path.resolve(__dirname, '../../../..');
const GRACE_MS = 3000;
const MASTER_KEY = 'sk-sb-drain-test-master-key-0123456789';

interface Outcome {
  kind: 'stream' | 'json' | 'admin';
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Set when the exchange failed at the socket level. */
  error?: string;
  /** Bytes had arrived before the failure. */
  partial?: boolean;
}

/** One request on a connection of its own (no pooled keep-alive socket shared between requests). */
function send(
  port: number,
  method: string,
  url: string,
  body: unknown,
  kind: Outcome['kind'],
  key = MASTER_KEY,
): Promise<Outcome> {
  return new Promise((resolve) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: url,
        agent: false,
        headers: {
          authorization: `Bearer ${key}`,
          ...(payload ? { 'content-type': 'application/json' } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ kind, status: res.statusCode ?? 0, headers: res.headers, body: text }));
        res.on('error', (err) =>
          resolve({
            kind,
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text,
            error: err.message,
            partial: true,
          }),
        );
        res.on('aborted', () =>
          resolve({
            kind,
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text,
            error: 'aborted',
            partial: true,
          }),
        );
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) =>
      resolve({ kind, status: 0, headers: {}, body: '', error: err.code ?? err.message }),
    );
    req.end(payload);
  });
}

const chat = (stream: boolean, model = 'drain-fast') => ({
  model,
  stream,
  messages: [{ role: 'user', content: 'hi' }],
});

function waitForExit(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      return resolve({ code: child.exitCode, signal: child.signalCode });
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const parses = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** A complete answer: a whole JSON body, or a stream that ends with [DONE] or an error event. */
function isComplete(o: Outcome): boolean {
  if (o.error) return false;
  if (o.kind !== 'stream' || o.status !== 200) return parses(o.body);
  const last =
    o.body
      .split('\n\n')
      .filter((e) => e.startsWith('data: '))
      .at(-1) ?? '';
  return last === 'data: [DONE]' || /^data: \{"error":/.test(last);
}

describe('Ctrl+C on the gateway with the embedded PostgreSQL (real process, real signals)', () => {
  let dataDir: string;
  let fast: FakeUpstream;
  let slow: FakeUpstream;
  let child: ChildProcess;
  let port: number;
  let output = '';
  const outcomes: Outcome[] = [];
  let duringDrain: { json: Outcome; admin: Outcome };
  let exit: { code: number | null; signal: NodeJS.Signals | null };
  let exitedAfterMs = 0;
  let inFlightAtSignal = 0;
  let postgresStillRunning = true;
  let loggedIds = new Set<string>();

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'switchboard-drain-'));
    await chmod(dataDir, 0o755);
    // Answers take 0.3-1 s, so a burst always has requests in flight when the signal comes.
    fast = await startFakeUpstream({
      name: 'fast',
      latencyMs: 300,
      ttftMs: 200,
      tokensPerSecond: 30,
      completionTokens: 16,
    });
    // Streams for about 20 s: longer than the grace period, so the drain has to end it.
    slow = await startFakeUpstream({ name: 'slow', ttftMs: 50, tokensPerSecond: 2, completionTokens: 40 });
    port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'development',
      DATA_DIR: path.join(dataDir, 'data'),
      PORT: String(port),
      HOST: '127.0.0.1',
      MASTER_KEY,
      ENCRYPTION_KEY: 'drain-test-encryption-key-0123456789abcdef',
      SHUTDOWN_GRACE_MS: String(GRACE_MS),
      LOG_LEVEL: 'warn',
    };
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
    child = spawn(
      process.execPath,
      ['-r', './apps/api/src/testing/swc-register.js', 'apps/api/src/main.ts'],
      { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));

    const deadline = Date.now() + 60_000;
    for (;;) {
      const r = await send(port, 'GET', '/health/readiness', undefined, 'admin');
      if (r.status === 200) break;
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`gateway did not start:\n${output}`);
      await sleep(200);
    }
    for (const [name, modelGroup, up] of [
      ['drain-fast-1', 'drain-fast', fast],
      ['drain-slow-1', 'drain-slow', slow],
    ] as const) {
      const r = await send(
        port,
        'POST',
        '/api/deployments',
        {
          name,
          modelGroup,
          provider: 'openai-compatible',
          model: 'gpt-4.1',
          apiBase: up.baseUrl,
          apiKey: 'sk-up',
        },
        'admin',
      );
      if (r.status >= 300) throw new Error(`could not register ${name}: ${r.body}`);
    }
    // The router picks deployments up from the change feed: wait until both groups answer.
    for (const model of ['drain-fast', 'drain-slow']) {
      for (;;) {
        const r = await send(port, 'POST', '/v1/chat/completions', chat(false, model), 'json');
        if (r.status === 200) break;
        if (Date.now() > deadline) throw new Error(`${model} never answered: ${r.status} ${r.body}`);
        await sleep(100);
      }
    }

    // The burst: 80 requests over 1.6 s (a third streaming) plus one stream that outlasts the grace
    // period; Ctrl+C halfway through, as a terminal sends it (to the whole process group).
    const pending: Promise<Outcome>[] = [
      send(port, 'POST', '/v1/chat/completions', chat(true, 'drain-slow'), 'stream'),
    ];
    const forwardedBefore = fast.stats().total;
    let signalledAt = 0;
    for (let i = 0; i < 80; i++) {
      if (i === 40) {
        // Only once the gateway has taken the 40 requests sent so far (each has reached the upstream): a slow
        // machine may not have read the last ones yet, and one read after the signal is rightly refused. The
        // latest are still in flight (the upstream takes 300 ms+), which is what the drain must serve.
        for (let wait = 0; wait < 2000 && fast.stats().total - forwardedBefore < 40; wait++) await sleep(5);
        inFlightAtSignal = fast.stats().inFlight;
        signalledAt = Date.now();
        process.kill(-child.pid!, 'SIGINT');
        // Newcomers once the drain has begun (readiness says so), however long the signal takes to arrive.
        const drainBegun = (async () => {
          for (let wait = 0; wait < 500; wait++) {
            if ((await send(port, 'GET', '/health/readiness', undefined, 'admin')).status === 503) return;
            await sleep(20);
          }
        })();
        const during = Promise.all([
          drainBegun.then(() => send(port, 'POST', '/v1/chat/completions', chat(false), 'json')),
          drainBegun.then(() => send(port, 'GET', '/api/model-groups', undefined, 'admin')),
        ]);
        pending.push(
          during.then(([json, admin]) => {
            duringDrain = { json, admin };
            return json;
          }),
        );
      }
      const stream = i % 3 === 0;
      pending.push(send(port, 'POST', '/v1/chat/completions', chat(stream), stream ? 'stream' : 'json'));
      await sleep(20);
    }
    outcomes.push(...(await Promise.all(pending)));
    let timer: NodeJS.Timeout | undefined;
    exit = await Promise.race([
      waitForExit(child),
      new Promise<typeof exit>(
        (r) => (timer = setTimeout(() => r({ code: null, signal: null }), GRACE_MS + 15_000)),
      ),
    ]);
    clearTimeout(timer);
    exitedAfterMs = Date.now() - signalledAt;
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    // PostgreSQL removes its pid file when it has stopped.
    postgresStillRunning = existsSync(path.join(dataDir, 'data/postgres/postmaster.pid'));

    // Start the database again, as the next `npm start` would, and look for every answered request.
    const pg = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'data') });
    const db = new Client({ connectionString: pg.connectionString });
    await db.connect();
    try {
      const rows = await db.query<{ requestId: string }>('SELECT "requestId" FROM "RequestLog"');
      loggedIds = new Set(rows.rows.map((r) => r.requestId));
    } finally {
      await db.end();
      await pg.stop();
    }
  }, 90_000);

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    await fast?.close();
    await slow?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('cuts no request: every answer is complete, or a clean 503 from the drain', () => {
    const broken = outcomes.filter((o) => o.error && (o.partial || o.error !== 'ECONNREFUSED'));
    expect(broken.map((o) => `${o.kind} ${o.status} ${o.error}`)).toEqual([]);
    const answered = outcomes.filter((o) => !o.error);
    expect(answered.filter((o) => !isComplete(o)).map((o) => `${o.kind} ${o.status} ${o.body}`)).toEqual([]);
    // In-flight requests at the signal were served, not refused.
    expect(inFlightAtSignal).toBeGreaterThan(0);
    expect(answered.filter((o) => o.status === 200).length).toBeGreaterThanOrEqual(40);
    // The stream still running at the end of the grace period ended with an error event, not a cut.
    const long = outcomes[0];
    expect(long.status).toBe(200);
    expect(long.body).toMatch(/data: \{"error":\{[^\n]*"code":"shutting_down"/);
    expect(long.body).not.toContain('[DONE]');
  });

  it('answers new requests during the drain with 503, Retry-After and connection: close', () => {
    const { json, admin } = duringDrain;
    expect(json.status).toBe(503);
    expect(json.headers['retry-after']).toMatch(/^\d+$/);
    expect(json.headers.connection).toBe('close');
    expect(JSON.parse(json.body)).toEqual({
      error: { message: expect.any(String), type: 'api_error', param: null, code: 'shutting_down' },
    });
    expect(admin.status).toBe(503);
    expect(admin.headers['retry-after']).toMatch(/^\d+$/);
    expect(admin.headers.connection).toBe('close');
    expect(JSON.parse(admin.body)).toEqual({ error: { code: 'shutting_down', message: expect.any(String) } });
  });

  it('exits with code 0 within SHUTDOWN_GRACE_MS + 5 s and stops its PostgreSQL', () => {
    expect({ ...exit, output: exit.code === 0 ? '' : output }).toEqual({ code: 0, signal: null, output: '' });
    expect(exitedAfterMs).toBeLessThan(GRACE_MS + 5000);
    expect(postgresStillRunning).toBe(false);
  });

  it('logged a row for every answered request', () => {
    const answeredIds = outcomes
      .filter((o) => !o.error && o.status === 200)
      .map((o) => o.headers['x-request-id'])
      .filter((id): id is string => typeof id === 'string');
    expect(answeredIds.length).toBeGreaterThanOrEqual(40);
    expect(answeredIds.filter((id) => !loggedIds.has(id))).toEqual([]);
  });
});

describe('the drain inside one app (in process)', () => {
  let t: TestApp;
  let up: FakeUpstream;

  beforeAll(async () => {
    t = await createTestApp({ shutdownGraceMs: 10_000 });
    // A stream of about a second: it must finish normally inside the grace period.
    up = await startFakeUpstream({ name: 'inproc', ttftMs: 100, tokensPerSecond: 20, completionTokens: 16 });
    await seedRouting(t, [{ name: 'drain-inproc-1', modelGroup: 'drain-inproc', apiBase: up.url }]);
  });
  afterAll(async () => {
    await t?.close();
    await up?.close();
  });

  it('lets the stream in flight finish, answers newcomers 503 and closes idle keep-alive connections', async () => {
    const port = Number(new URL(t.url).port);
    const agent = new http.Agent({ keepAlive: true });
    // An idle keep-alive connection, as SDKs keep them between calls (idle once its answer has been read).
    let idle: () => void = () => undefined;
    const becameIdle = new Promise<void>((resolve) => (idle = resolve));
    const idleClosed = new Promise<void>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/health/liveliness', agent }, (res) => {
        res.resume();
        res.on('end', () => {
          req.socket?.once('close', () => resolve());
          idle();
        });
      });
    });
    await becameIdle;

    const streaming = send(
      port,
      'POST',
      '/v1/chat/completions',
      chat(true, 'drain-inproc'),
      'stream',
      TEST_MASTER_KEY,
    );
    // The stream has started: the upstream has it (polled: a fixed wait can be too short on a slow machine).
    for (let wait = 0; wait < 500 && up.stats().total === 0; wait++) await sleep(10);
    const drained = gracefulShutdownOf(t.app).drain();
    const [json, admin] = await Promise.all([
      send(port, 'POST', '/v1/chat/completions', chat(false, 'drain-inproc'), 'json', TEST_MASTER_KEY),
      send(port, 'GET', '/api/model-groups', undefined, 'admin', TEST_MASTER_KEY),
    ]);

    expect(json.status).toBe(503);
    expect(Number(json.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(json.headers.connection).toBe('close');
    expect(JSON.parse(json.body)).toMatchObject({ error: { type: 'api_error', code: 'shutting_down' } });
    expect(admin.status).toBe(503);
    expect(admin.headers.connection).toBe('close');
    expect(JSON.parse(admin.body)).toEqual({ error: { code: 'shutting_down', message: expect.any(String) } });

    const stream = await streaming;
    expect(stream.status).toBe(200);
    expect(stream.body.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(await drained).toEqual({ inFlight: 1, cut: 0, refused: 2 });
    await idleClosed; // resolves only when the server closed the idle connection
    agent.destroy();
  });
});
