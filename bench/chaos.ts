/**
 * Chaos run (`npm run chaos`): the gateway's worst cases against a real stack, each scenario printing
 * requests sent, answered, failed, and request-log rows written.
 *
 * 1. retry-after-86400: one of three upstreams answers every request 429 with `Retry-After: 86400`.
 * 2. silent upstream:   one of three accepts connections and never answers anything.
 * 3. poison requests:   lone UTF-16 surrogates in logged fields, with and without a key, between normal traffic.
 * 4. database stop:     PostgreSQL stopped for 30 s under load, then started again.
 * 5. Ctrl+C under load: SIGINT to the gateway's process group (as a terminal sends it) with the embedded
 *                       PostgreSQL of `npm start`; rows counted after the database is started again.
 *
 * The gateway runs from its build (`apps/api/dist`, built when missing or with `--build`) with the node flags
 * of production; upstreams are the fake upstream in this process. Everything talks to 127.0.0.1 only and every
 * loop is bounded in count and time. `--quick` shortens the database stop to 10 s.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, chmodSync, rmSync } from 'node:fs';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startFakeUpstream, type FakeUpstream } from '../apps/fake-upstream/src';
import {
  type EmbeddedPostgresHandle,
  freePort,
  startEmbeddedPostgres,
} from '../apps/api/src/database/embedded-postgres';
import { GATEWAY_NODE_FLAGS } from '../scripts/gateway-node-flags.mjs';

const ROOT = path.resolve(__dirname, '..');
const API_MAIN = path.join(ROOT, 'apps/api/dist/main.js');
const MASTER_KEY = 'sk-chaos-master-key-0123456789abcdefghijklmnopqrstuvwxyz';
const ENCRYPTION_KEY = 'chaos-encryption-key-0123456789abcdefghijkl';
const quick = process.argv.includes('--quick');
const log = (line: string) => console.log(`[chaos] ${line}`);

interface Outcome {
  status: number; // 0 = no HTTP answer (refused, reset, timeout)
  requestId: string | null;
  ms: number;
  /** Why there was no answer: the socket error code (ECONNREFUSED: nothing listening any more). */
  error?: string;
}

interface Row {
  scenario: string;
  sent: number;
  answered: number;
  failed: number;
  logged: number;
  note: string;
}

const cleanups: (() => Promise<void> | void)[] = [];
async function cleanup(): Promise<void> {
  for (const fn of cleanups.reverse()) await Promise.resolve(fn()).catch(() => undefined);
  cleanups.length = 0;
}

function dataDir(name: string): string {
  // mkdtemp makes 0700 folders; the embedded cluster may run as another user (root): open it up.
  const dir = mkdtempSync(path.join(tmpdir(), `switchboard-chaos-${name}-`));
  chmodSync(dir, 0o755);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function ensureBuilt(): void {
  if (existsSync(API_MAIN) && !process.argv.includes('--build')) return;
  log('building contracts and api...');
  const r = spawnSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules/nx/dist/bin/nx.js'),
      'run-many',
      '-t',
      'build',
      '-p',
      'contracts,api',
      '--outputStyle=static',
    ],
    { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false' } },
  );
  if (r.status !== 0) throw new Error('build failed');
}

interface Gateway {
  url: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

async function startGateway(env: Record<string, string>): Promise<Gateway> {
  const port = await freePort();
  const child = spawn(process.execPath, [...GATEWAY_NODE_FLAGS, API_MAIN], {
    cwd: ROOT,
    // Its own process group, so a SIGINT can reach it and its children the way a terminal's Ctrl+C does.
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      MASTER_KEY,
      ENCRYPTION_KEY,
      LOG_LEVEL: 'warn',
      SHUTDOWN_GRACE_MS: '10000',
      ...env,
    },
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid!, 'SIGTERM');
      await Promise.race([exited, sleep(20_000)]);
    }
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode} while starting`);
    const ok = await fetch(`${url}/health/readiness`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, child, exited };
    if (Date.now() > deadline) throw new Error('gateway did not become ready within 120 s');
    await sleep(250);
  }
}

async function admin(gw: Gateway, method: string, url: string, body?: unknown): Promise<any> {
  const res = await fetch(`${gw.url}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${MASTER_KEY}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = res.status === 204 ? null : await res.json().catch(() => null);
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function deploy(gw: Gateway, group: string, ups: { name: string; url: string }[], policy = {}) {
  await admin(gw, 'POST', '/api/model-groups', { name: group, ...policy }).catch(() => undefined);
  const ids: Record<string, string> = {};
  for (const u of ups) {
    const d = await admin(gw, 'POST', '/api/deployments', {
      name: `${group}-${u.name}`,
      modelGroup: group,
      provider: 'openai-compatible',
      model: 'gpt-4.1',
      apiBase: u.url,
      apiKey: `sk-up-${u.name}`,
    });
    ids[u.name] = d.id as string;
  }
  return ids;
}

async function send(
  gw: Gateway,
  body: unknown,
  opts: { key?: string | null; stream?: boolean; timeoutMs?: number } = {},
): Promise<Outcome> {
  const started = performance.now();
  try {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (opts.key !== null) headers.authorization = `Bearer ${opts.key ?? MASTER_KEY}`;
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 120_000),
    });
    const text = await res.text();
    // A stream that ended with an error event is not an answer.
    const status = res.status === 200 && text.includes('data: {"error"') ? 502 : res.status;
    return { status, requestId: res.headers.get('x-request-id'), ms: performance.now() - started };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    return { status: 0, requestId: null, ms: performance.now() - started, error: cause?.code ?? 'error' };
  }
}

/** Runs `count` requests with `concurrency` in flight, spaced so at most `perSecond` start each second. */
async function load(
  count: number,
  concurrency: number,
  perSecond: number,
  one: (i: number) => Promise<Outcome>,
) {
  const out: Outcome[] = [];
  let next = 0;
  const t0 = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const due = t0 + (i * 1000) / perSecond;
        if (due > Date.now()) await sleep(due - Date.now());
        out.push(await one(i));
      }
    }),
  );
  return out;
}

const chatBody = (extra: Record<string, unknown> = {}) => ({
  model: 'chaos',
  messages: [{ role: 'user', content: 'hello' }],
  ...extra,
});

async function countRows(databaseUrl: string, ids: (string | null)[]): Promise<number> {
  const known = ids.filter((x): x is string => x !== null);
  if (known.length === 0) return 0;
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const res = await db.query<{ n: string }>(
      `SELECT count(DISTINCT "requestId")::text AS n FROM "RequestLog" WHERE "requestId" = ANY($1)`,
      [known],
    );
    return Number(res.rows[0]!.n);
  } finally {
    await db.end();
  }
}

async function waitForRows(databaseUrl: string, ids: (string | null)[], want: number, ms = 15_000) {
  const deadline = Date.now() + ms;
  let n = 0;
  while (Date.now() < deadline) {
    n = await countRows(databaseUrl, ids).catch(() => n);
    if (n >= want) return n;
    await sleep(300);
  }
  return n;
}

function summarise(scenario: string, outcomes: Outcome[], logged: number, note: string): Row {
  const answered = outcomes.filter((o) => o.status >= 200 && o.status < 300).length;
  const failures = new Map<number, number>();
  for (const o of outcomes)
    if (o.status < 200 || o.status >= 300) failures.set(o.status, (failures.get(o.status) ?? 0) + 1);
  const row = { scenario, sent: outcomes.length, answered, failed: outcomes.length - answered, logged, note };
  log(
    `${scenario}: ${JSON.stringify(row)} failures by status ${JSON.stringify(Object.fromEntries(failures))}`,
  );
  return row;
}

async function blackHole(): Promise<{ url: string }> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  const address = server.address();
  return { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1` };
}

async function fakes(
  names: string[],
  opts: Parameters<typeof startFakeUpstream>[0] = {},
): Promise<FakeUpstream[]> {
  const ups = await Promise.all(names.map((name) => startFakeUpstream({ name, latencyMs: 20, ...opts })));
  for (const u of ups) cleanups.push(() => u.close());
  return ups;
}

// ------------------------------------------------------------------------------------------ scenarios

async function sharedDatabaseScenarios(rows: Row[]): Promise<void> {
  const dir = dataDir('pg');
  let pg: EmbeddedPostgresHandle = await startEmbeddedPostgres({ dataDir: dir });
  cleanups.push(() => pg.stop());
  const gw = await startGateway({ DATABASE_URL: pg.connectionString, DATA_DIR: dataDir('gw') });

  // 1. One upstream benches itself for a day.
  {
    const [ok1, ok2, limited] = await fakes(['ok1', 'ok2', 'limited']);
    limited!.configure({ fault: { kind: 'status', status: 429, retryAfterSeconds: 86_400 } });
    const ids = await deploy(gw, 'chaos', [
      { name: 'ok1', url: ok1!.url },
      { name: 'ok2', url: ok2!.url },
      { name: 'limited', url: limited!.url },
    ]);
    const out = await load(300, 10, 100, () => send(gw, chatBody()));
    const logged = await waitForRows(
      pg.connectionString,
      out.map((o) => o.requestId),
      out.length,
    );
    const state = (await admin(gw, 'GET', `/api/deployments/${ids.limited}`)) as {
      state?: { cooldownUntil: number | string | null };
    };
    const until = state.state?.cooldownUntil ? new Date(state.state.cooldownUntil).getTime() : null;
    const benched =
      until === null
        ? 'not cooling down'
        : `benched for ${Math.round((until - Date.now()) / 1000)} s (cap 300 s)`;
    rows.push(summarise('429 + Retry-After: 86400 on 1 of 3', out, logged, benched));
    for (const name of Object.keys(ids)) await admin(gw, 'DELETE', `/api/deployments/${ids[name]}`);
  }

  // 2. One upstream accepts connections and never answers.
  {
    const hole = await blackHole();
    const [a, b] = await fakes(['alive1', 'alive2']);
    const ids = await deploy(gw, 'chaos', [
      { name: 'a', url: a!.url },
      { name: 'b', url: b!.url },
      { name: 'hole', url: hole.url },
    ]);
    const out = await load(150, 15, 10, () => send(gw, chatBody()));
    const logged = await waitForRows(
      pg.connectionString,
      out.map((o) => o.requestId),
      out.length,
    );
    const slowest = Math.max(...out.map((o) => o.ms));
    rows.push(
      summarise('1 of 3 upstreams silent', out, logged, `slowest answer ${(slowest / 1000).toFixed(1)} s`),
    );
    for (const name of Object.keys(ids)) await admin(gw, 'DELETE', `/api/deployments/${ids[name]}`);
  }

  // 3. Poison requests between normal ones.
  {
    const [u] = await fakes(['poison']);
    const ids = await deploy(gw, 'chaos', [{ name: 'p', url: u!.url }]);
    const project = await admin(gw, 'POST', '/api/projects', { name: `chaos-${Date.now()}` });
    const key = (await admin(gw, 'POST', '/api/keys', { projectId: project.id, alias: 'chaos' }))
      .key as string;
    const out = await load(200, 5, 100, (i) => {
      if (i % 10 === 3)
        return send(gw, '{"model":"\\ud800","messages":[{"role":"user","content":"x"}]}', { key: null });
      if (i % 10 === 7) return send(gw, { ...chatBody(), user: '\udfff\u0000' }, { key });
      return send(gw, chatBody(), { key });
    });
    const keyed = out.filter((_, i) => i % 10 !== 3);
    const logged = await waitForRows(
      pg.connectionString,
      keyed.map((o) => o.requestId),
      keyed.length,
    );
    rows.push({
      ...summarise('poison requests (lone surrogates, NUL)', keyed, logged, ''),
      note: `${out.length - keyed.length} keyless poison requests refused (counted, not logged)`,
    });
    for (const name of Object.keys(ids)) await admin(gw, 'DELETE', `/api/deployments/${ids[name]}`);
  }

  // 4. The database goes away for a while under load.
  {
    const [u1, u2] = await fakes(['db1', 'db2']);
    const ids = await deploy(gw, 'chaos', [
      { name: 'd1', url: u1!.url },
      { name: 'd2', url: u2!.url },
    ]);
    const stopS = quick ? 10 : 30;
    const total = (stopS + 20) * 20;
    const port = pg.port;
    const outage = (async () => {
      await sleep(10_000);
      log(`stopping PostgreSQL for ${stopS} s`);
      await pg.stop();
      await sleep(stopS * 1000);
      pg = await startEmbeddedPostgres({ dataDir: dir, port });
      log('PostgreSQL is back');
    })();
    const out = await load(total, 10, 20, () => send(gw, chatBody()));
    await outage;
    const answered = out.filter((o) => o.status === 200);
    const logged = await waitForRows(
      pg.connectionString,
      out.map((o) => o.requestId),
      answered.length,
      60_000,
    );
    rows.push(summarise(`PostgreSQL stopped ${stopS} s under load`, out, logged, ''));
    for (const name of Object.keys(ids)) await admin(gw, 'DELETE', `/api/deployments/${ids[name]}`);
  }
  process.kill(-gw.child.pid!, 'SIGTERM');
  await gw.exited;
}

async function ctrlCScenario(rows: Row[]): Promise<void> {
  const dir = dataDir('ctrlc');
  // No DATABASE_URL: the gateway starts its own embedded PostgreSQL, as `npm start` does.
  const gw = await startGateway({ DATA_DIR: dir, SHUTDOWN_GRACE_MS: '10000' });
  const ups = await fakes(['c1', 'c2', 'c3'], { latencyMs: 150, ttftMs: 100, tokensPerSecond: 50 });
  await deploy(
    gw,
    'chaos',
    ups.map((u, i) => ({ name: `c${i}`, url: u.url })),
  );
  const signalAt = 200;
  let signalled = 0;
  const out = await load(600, 20, 150, async (i) => {
    if (i === signalAt) {
      log('SIGINT to the gateway process group under load');
      process.kill(-gw.child.pid!, 'SIGINT');
      signalled = Date.now();
    }
    return send(gw, chatBody({ stream: i % 3 === 0 }), { timeoutMs: 30_000 });
  });
  const code = await gw.exited;
  const exitS = (Date.now() - signalled) / 1000;
  const answered = out.filter((o) => o.status === 200);
  const drained = out.filter((o) => o.status === 503).length;
  const afterExit = out.filter((o) => o.status === 0 && o.error === 'ECONNREFUSED').length;
  const cut = out.filter((o) => o.status !== 200 && o.status !== 503 && o.error !== 'ECONNREFUSED').length;
  // Count the rows with the gateway's own cluster started again.
  const pg = await startEmbeddedPostgres({ dataDir: dir });
  cleanups.push(() => pg.stop());
  const logged = await countRows(
    pg.connectionString,
    answered.map((o) => o.requestId),
  );
  rows.push({
    ...summarise('Ctrl+C under load (embedded PostgreSQL)', out, logged, ''),
    note:
      `exit ${code} ${exitS.toFixed(1)} s after SIGINT; ${drained} answered 503 while draining, ` +
      `${afterExit} sent after it had exited (connection refused), ${cut} cut mid-request`,
  });
  await pg.stop();
}

async function main(): Promise<void> {
  ensureBuilt();
  const rows: Row[] = [];
  try {
    await sharedDatabaseScenarios(rows);
    await ctrlCScenario(rows);
  } finally {
    await cleanup();
  }
  console.log('');
  console.log('| scenario | sent | answered | failed | rows logged | note |');
  console.log('| --- | ---: | ---: | ---: | ---: | --- |');
  for (const r of rows)
    console.log(`| ${r.scenario} | ${r.sent} | ${r.answered} | ${r.failed} | ${r.logged} | ${r.note} |`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void cleanup().finally(() => process.exit(130)));
}

main().catch(async (err: unknown) => {
  console.error(`[chaos] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  await cleanup();
  process.exit(1);
});
