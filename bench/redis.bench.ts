/**
 * `npm run bench:redis`: what sharing limits through Redis costs (not a test: it always exits 0 once it ran).
 *
 * Runs the same gateway twice on one pinned core, first without REDIS_URL and then with a local
 * `redis-server`, each time with a virtual key and a deployment that both have (very high) rpm/tpm limits,
 * so every request goes through the key and deployment checks (with Redis: one script call each). Measures
 * max requests/s, latency at a fixed rate, and the gateway's CPU time per request; prints them side by side
 * and writes bench/results/redis-<time>.json. The load generator, the fake upstream, PostgreSQL and Redis
 * run on the other core.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { request } from 'undici';
import { GATEWAY_NODE_FLAGS } from '../scripts/gateway-node-flags.mjs';
import { printProfile, summarizeProfile } from './lib/cpuprofile';
import { cannon, paced, type Target } from './lib/load';
import { canPin, Child, cpuMs, descendants, freePort, pin, sleep } from './lib/proc';
import { round } from './lib/stats';

const ROOT = path.resolve(__dirname, '..');
const API_MAIN = path.join(ROOT, 'apps/api/dist/main.js');
const FAKE_MAIN = path.join(ROOT, 'apps/fake-upstream/dist/main.js');
const MODEL = 'gpt-4.1';
const GATEWAY_CORE = '0';
const LOAD_CORE = '1';
/** The goals: with Redis at least 85 % of the requests/s without, at most 0.3 ms more at p50. */
const GOALS = { minRpsRatio: 0.85, maxAddedP50Ms: 0.3 };

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    rate: { type: 'string', default: '500' },
    connections: { type: 'string', default: '50' },
    quick: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
  },
});
const quick = args.quick === true;
const durationS = quick ? 3 : Number(args.duration);
const rate = Number(args.rate);
const connections = Number(args.connections);
const cpuProf = args['cpu-prof'] === true;

const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

const children: Child[] = [];
const tempDirs: string[] = [];
const log = (line: string) => console.log(`[bench:redis] ${line}`);

async function http(method: 'GET' | 'POST', url: string, token: string, body?: unknown) {
  const res = await request(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.body.text();
  return { status: res.statusCode, json: text ? (JSON.parse(text) as any) : null };
}

async function waitFor(what: string, ms: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not ready within ${ms} ms`);
    await sleep(200);
  }
}

function onCore(core: string, cmd: string, cmdArgs: string[]) {
  return canPin() ? { cmd: 'taskset', args: ['-c', core, cmd, ...cmdArgs] } : { cmd, args: cmdArgs };
}

interface ModeResult {
  mode: 'without Redis' | 'with Redis';
  maxRps: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  cpuMsPerRequest: number;
}

async function runMode(redisUrl: string | null, upstream: string): Promise<ModeResult> {
  const port = await freePort();
  const masterKey = `sk-bench-redis-${Math.random().toString(36).slice(2)}-0123456789ABCDEF`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-redis-'));
  tempDirs.push(dataDir);
  const profDir = cpuProf ? mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-prof-')) : null;
  if (profDir) tempDirs.push(profDir);
  const c = onCore(GATEWAY_CORE, process.execPath, [
    ...GATEWAY_NODE_FLAGS,
    ...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []),
    API_MAIN,
  ]);
  const gateway = new Child('gateway', c.cmd, c.args, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      MASTER_KEY: masterKey,
      ENCRYPTION_KEY: 'bench-encryption-key-0123456789abcdef',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `bench${port}:` } : {}),
    },
  });
  children.push(gateway);
  const origin = `http://127.0.0.1:${port}`;
  await waitFor(
    'gateway',
    180_000,
    async () => (await http('GET', `${origin}/health/readiness`, '')).status === 200,
  );
  if (canPin()) for (const pid of descendants(gateway.pid)) pin(pid, LOAD_CORE);

  // Limits high enough never to refuse, so the checks run without changing the outcome.
  const deployment = await http('POST', `${origin}/api/deployments`, masterKey, {
    name: 'bench-u1',
    modelGroup: MODEL,
    provider: 'openai-compatible',
    model: MODEL,
    apiBase: `${upstream}/v1`,
    apiKey: 'sk-bench-1',
    rpmLimit: 100_000_000,
    tpmLimit: 1_000_000_000,
  });
  if (deployment.status !== 201)
    throw new Error(`deployment: ${deployment.status} ${JSON.stringify(deployment.json)}`);
  const project = await http('POST', `${origin}/api/projects`, masterKey, { name: 'bench' });
  const key = await http('POST', `${origin}/api/keys`, masterKey, {
    projectId: project.json.id,
    rpmLimit: 100_000_000,
    tpmLimit: 1_000_000_000,
    maxParallel: 100_000,
  });
  const token = String(key.json.key);
  await waitFor(
    'key and model',
    15_000,
    async () => (await http('GET', `${origin}/v1/models`, token)).status === 200,
  );

  const target: Target = {
    origin,
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }),
  };
  const mode = redisUrl ? 'with Redis' : 'without Redis';
  log(`${mode}: warm-up`);
  await cannon(target, { title: 'warm-up', connections, durationS: quick ? 1 : 3, maxRequests: 1_000_000 });
  await sleep(1000);
  const cpuBefore = cpuMs(gateway.pid) ?? 0;
  const maxStartUs = monotonicUs();
  const max = await cannon(target, { title: 'max', connections, durationS, maxRequests: 10_000_000 });
  const maxEndUs = monotonicUs();
  const cpuAfter = cpuMs(gateway.pid) ?? 0;
  await sleep(1000);
  const latency = await paced(target, { title: 'paced', rate, durationS, connections: 64 });
  log(
    `${mode}: ${max.rps} req/s, at ${rate} req/s p50 ${latency.latencyMs.p50} ms p99 ${latency.latencyMs.p99} ms`,
  );
  await gateway.stop(30_000);
  const file = profDir && readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  if (profDir && file) {
    const profile = summarizeProfile(path.join(profDir, file), [{ startUs: maxStartUs, endUs: maxEndUs }]);
    printProfile(profile, `${redisUrl ? 'with' : 'without'} Redis, max-throughput phase`);
  }
  return {
    mode,
    maxRps: max.rps,
    p50Ms: latency.latencyMs.p50,
    p99Ms: latency.latencyMs.p99,
    non2xx: max.non2xx + latency.non2xx,
    cpuMsPerRequest: round((cpuAfter - cpuBefore) / Math.max(1, max.completed), 4),
  };
}

async function main(): Promise<void> {
  // Nx's cache makes this quick when nothing changed; a stale build would measure old code.
  {
    log('building contracts, api and fake-upstream (cached when unchanged)...');
    spawnSync('npx', ['nx', 'run-many', '-t', 'build', '-p', 'contracts,api,fake-upstream'], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false' },
    });
  }
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    log('redis-server is not installed (apt-get install redis-server): nothing to compare');
    return;
  }
  if (canPin()) pin(process.pid, LOAD_CORE);
  const redisPort = await freePort();
  const r = onCore(LOAD_CORE, 'redis-server', [
    '--port',
    String(redisPort),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
  ]);
  children.push(new Child('redis', r.cmd, r.args));
  const upstreamPort = await freePort();
  const u = onCore(LOAD_CORE, process.execPath, [FAKE_MAIN, '--port', String(upstreamPort), '--name', 'u1']);
  children.push(new Child('upstream', u.cmd, u.args, { cwd: ROOT }));
  const upstream = `http://127.0.0.1:${upstreamPort}`;
  await waitFor(
    'fake upstream',
    15_000,
    async () => (await request(`${upstream}/_fake/health`)).statusCode === 200,
  );

  const without = await runMode(null, upstream);
  const withRedis = await runMode(`redis://127.0.0.1:${redisPort}`, upstream);
  const rpsRatio = round(withRedis.maxRps / without.maxRps, 3);
  const addedP50 = round(withRedis.p50Ms - without.p50Ms, 3);
  const addedP99 = round(withRedis.p99Ms - without.p99Ms, 3);
  console.log('');
  console.table([without, withRedis]);
  console.log(
    `with Redis: ${round(rpsRatio * 100, 1)} % of the requests/s (goal ≥ ${GOALS.minRpsRatio * 100} %), ` +
      `${addedP50} ms more at p50 (goal ≤ ${GOALS.maxAddedP50Ms}) and ${addedP99} ms at p99, ` +
      `${round(withRedis.cpuMsPerRequest - without.cpuMsPerRequest, 4)} ms more CPU per request`,
  );
  const resultsDir = path.join(__dirname, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `redis-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      { durationS, rate, connections, without, withRedis, rpsRatio, addedP50, addedP99 },
      null,
      2,
    ),
  );
  log(`results: ${path.relative(ROOT, file)}`);
}

main()
  .catch((error: unknown) =>
    console.error(`[bench:redis] ${error instanceof Error ? error.stack : String(error)}`),
  )
  .finally(async () => {
    for (const child of children.reverse()) await child.stop(10_000).catch(() => undefined);
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });
