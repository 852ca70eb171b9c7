/**
 * `npm run bench`: the gateway's data-plane benchmark (not a test: it always exits 0 once it has run).
 *
 * Starts three fake upstreams and the gateway with its embedded PostgreSQL, registers the upstreams as
 * deployments of `gpt-4.1`, authenticates with a virtual key when the keys API exists (else the master
 * key), and measures on loopback:
 *   1. max requests/s of non-streaming chat, straight to one fake upstream vs through the gateway;
 *   2. latency at a fixed 500 requests/s, direct vs gateway (added = difference of percentiles);
 *   3. time to the first streamed chunk, direct vs gateway;
 *   4. the gateway's peak RSS;
 *   5. request-log rows written vs requests sent.
 * The gateway (node only) runs on core 0; this process (load generator), the fake upstreams and, by
 * default, PostgreSQL run on core 1. Results: a table on stdout and bench/results/gateway-<time>.json.
 * `npm run bench -- --help` lists the options; bench/README.md explains the method.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Client as PgClient } from 'pg';
import { request } from 'undici';
import {
  printAllocations,
  printProfile,
  summarizeAllocations,
  summarizeProfile,
  type ProfileSummary,
} from './lib/cpuprofile';
import { cannon, type LoadResult, paced, streams, type StreamResult, type Target } from './lib/load';
import {
  affinity,
  canPin,
  Child,
  cpuMs,
  cpuTimes,
  descendants,
  freePort,
  foreignLoad,
  isAlive,
  memoryKb,
  pin,
  sleep,
} from './lib/proc';
import { round } from './lib/stats';
import { GATEWAY_NODE_FLAGS } from '../scripts/gateway-node-flags.mjs';

const ROOT = path.resolve(__dirname, '..');
const API_MAIN = path.join(ROOT, 'apps/api/dist/main.js');
const FAKE_MAIN = path.join(ROOT, 'apps/fake-upstream/dist/main.js');
const RESULTS_DIR = path.join(__dirname, 'results');
const MODEL = 'gpt-4.1';
const GATEWAY_CORE = '0';
const LOAD_CORE = '1';

const TARGETS = {
  minRps: 4000,
  maxAddedP50Ms: 1,
  maxAddedP99Ms: 3,
  maxAddedFirstChunkMs: 1,
  maxRssMb: 250,
};

const USAGE = `Usage: npm run bench -- [options]

  --duration <s>            max-throughput phase length, each side (default 10)
  --warmup <s>              warm-up before it, each side (default 3)
  --connections <n>         autocannon connections for max throughput (default 100)
  --rate <n>                fixed arrival rate for the latency phase (default 500)
  --rate-duration <s>       latency phase length, each side (default 10)
  --streams <n>             streamed requests per side (default 300)
  --stream-concurrency <n>  streams in flight at once (default 10)
  --ttft-ms <n>             fake upstream time to first token in the stream phase (default 20)
  --tokens-per-second <n>   fake upstream streaming pace (default 200)
  --pg-on-gateway-core      leave PostgreSQL on the gateway's core (default: moved to the load core)
  --no-pin                  do not pin anything with taskset
  --node-args="<args>"      extra node flags for the gateway, after the ones it always runs with
                            (scripts/gateway-node-flags.mjs), e.g. --node-args="--max-semi-space-size=32";
                            BENCH_GW_<NAME>=value in the environment sets <NAME> for the gateway
  --cpu-prof                profile the gateway (node --cpu-prof) and print its hot spots
  --alloc-prof              sample the gateway's allocations over the max-throughput phase (V8's sampling
                            heap profiler, collected objects included) and print bytes per request
  --build                   rebuild contracts, api and fake-upstream first (default: only when missing)
  --wait-quiet <s>          wait up to this long for other processes to use < 15% CPU first (default 0)
  --quick                   short phases (3 s, 100 streams) for a smoke run
  --verbose                 echo the children's output
  -h, --help                this text`;

interface Options {
  durationS: number;
  warmupS: number;
  connections: number;
  rate: number;
  rateDurationS: number;
  streams: number;
  streamConcurrency: number;
  ttftMs: number;
  tokensPerSecond: number;
  pgOnGatewayCore: boolean;
  pin: boolean;
  cpuProf: boolean;
  allocProf: boolean;
  nodeArgs: string[];
  build: boolean;
  quick: boolean;
  waitQuietS: number;
  verbose: boolean;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      rate: { type: 'string' },
      'rate-duration': { type: 'string' },
      streams: { type: 'string' },
      'stream-concurrency': { type: 'string' },
      'ttft-ms': { type: 'string' },
      'tokens-per-second': { type: 'string' },
      'pg-on-gateway-core': { type: 'boolean', default: false },
      'no-pin': { type: 'boolean', default: false },
      'cpu-prof': { type: 'boolean', default: false },
      'alloc-prof': { type: 'boolean', default: false },
      'node-args': { type: 'string' },
      build: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      'wait-quiet': { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick;
  const num = (raw: string | undefined, def: number, min: number) => {
    if (raw === undefined) return def;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min) throw new Error(`bad number '${raw}' (at least ${min})`);
    return n;
  };
  return {
    durationS: num(values.duration, quick ? 3 : 10, 1),
    warmupS: num(values.warmup, quick ? 1 : 3, 0),
    connections: num(values.connections, 100, 1),
    rate: num(values.rate, 500, 1),
    rateDurationS: num(values['rate-duration'], quick ? 3 : 10, 1),
    streams: num(values.streams, quick ? 100 : 300, 1),
    streamConcurrency: num(values['stream-concurrency'], 10, 1),
    ttftMs: num(values['ttft-ms'], 20, 0),
    tokensPerSecond: num(values['tokens-per-second'], 200, 0),
    pgOnGatewayCore: values['pg-on-gateway-core'],
    pin: !values['no-pin'],
    cpuProf: values['cpu-prof'],
    allocProf: values['alloc-prof'],
    nodeArgs: (values['node-args'] ?? '').split(/\s+/).filter(Boolean),
    build: values.build,
    quick,
    waitQuietS: num(values['wait-quiet'], 0, 0),
    verbose: values.verbose,
  };
}

const log = (line: string) => console.log(`[bench] ${line}`);

// ------------------------------------------------------------------------------------------ cleanup

const cleanups: { name: string; fn: () => Promise<void> | void }[] = [];
let cleaning: Promise<void> | null = null;

function onCleanup(name: string, fn: () => Promise<void> | void): void {
  cleanups.push({ name, fn });
}

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const { name, fn } of cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        console.error(
          `[bench] cleanup '${name}' failed: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }
  })();
  return cleaning;
}

// A child dying under us (e.g. PostgreSQL stopped by Ctrl+C) must still end in a full cleanup.
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (err: unknown) => {
    console.error(`[bench] ${event}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    void cleanup().finally(() => process.exit(1));
  });
}

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
] as const) {
  process.on(signal, () => {
    if (!cleaning) console.error(`\n[bench] ${signal}: stopping every child and removing the data dir...`);
    void cleanup().finally(() => process.exit(code));
  });
}

// ------------------------------------------------------------------------------------------ helpers

async function http(
  method: 'GET' | 'POST',
  url: string,
  opts: { token?: string; body?: unknown; timeoutMs?: number } = {},
): Promise<{ status: number; json: any; headers: Record<string, string | string[] | undefined> }> {
  const res = await request(url, {
    method,
    headers: {
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
    },
    body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
    headersTimeout: opts.timeoutMs ?? 10_000,
    bodyTimeout: opts.timeoutMs ?? 10_000,
  });
  const text = await res.body.text();
  let json: any = text;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.statusCode, json, headers: res.headers };
}

async function waitFor(what: string, timeoutMs: number, probe: () => Promise<boolean>, child?: Child) {
  const deadline = Date.now() + timeoutMs;
  let lastErr = '';
  while (Date.now() < deadline) {
    if (child && !child.running)
      throw new Error(`${child.name} exited while waiting for ${what}:\n${child.tail()}`);
    try {
      if (await probe()) return;
    } catch (err) {
      lastErr = err instanceof Error ? err.message : String(err);
    }
    await sleep(200);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastErr ? ` (${lastErr})` : ''}`);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    if (name.name === 'generated' || name.name === 'node_modules') continue;
    const p = path.join(dir, name.name);
    if (name.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (name.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function ensureBuilt(force: boolean): { builtAt: string; staleSources: boolean } {
  const present = () => existsSync(API_MAIN) && existsSync(FAKE_MAIN);
  // A missing dist may be someone else's rebuild in progress: give it a moment before building.
  for (let i = 0; i < 12 && !force && !present(); i++) spawnSync('sleep', ['5']);
  const missing = !present();
  if (force || missing) {
    log(`${missing ? 'build output missing' : '--build'}: building contracts, api and fake-upstream...`);
    const r = spawnSync(
      'npx',
      ['nx', 'run-many', '-t', 'build', '-p', 'contracts,api,fake-upstream', '--outputStyle=static'],
      { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false' } },
    );
    if (r.status !== 0) throw new Error(`build failed (exit ${r.status})`);
  }
  const builtAt = statSync(API_MAIN).mtimeMs;
  const staleSources = newestMtime(path.join(ROOT, 'apps/api/src')) > builtAt;
  if (staleSources) {
    log('warning: apps/api/src has files newer than apps/api/dist; run with --build to measure them');
  }
  return { builtAt: new Date(builtAt).toISOString(), staleSources };
}

/**
 * Copies the built apps (and prisma/, which the migration runner finds relative to the api's dist) into a
 * private folder under bench/results, so that a rebuild in the working tree (`rm -rf dist && tsc`) during
 * the run cannot pull files from under the gateway. node_modules still resolve from the repository root.
 * The copy is checked by loading every module of the api once.
 */
function snapshotBuild(dir: string): { apiMain: string; fakeMain: string } {
  for (let attempt = 1; ; attempt++) {
    rmSync(dir, { recursive: true, force: true });
    for (const rel of [
      'apps/api/dist',
      'apps/fake-upstream/dist',
      'prisma/schema.prisma',
      'prisma/migrations',
    ]) {
      cpSync(path.join(ROOT, rel), path.join(dir, rel), { recursive: true });
    }
    const apiMain = path.join(dir, 'apps/api/dist/main.js');
    const fakeMain = path.join(dir, 'apps/fake-upstream/dist/main.js');
    const check = spawnSync(
      process.execPath,
      ['-e', `require(${JSON.stringify(path.join(dir, 'apps/api/dist/app.module.js'))})`],
      { cwd: ROOT, encoding: 'utf8' },
    );
    if (check.status === 0 && existsSync(fakeMain)) return { apiMain, fakeMain };
    const why = (check.stderr || '').split('\n').find((l) => /Error/.test(l)) ?? `exit ${check.status}`;
    if (attempt >= 5) throw new Error(`the build output does not load (${why}); rebuild with --build`);
    log(`build output incomplete (${why}); someone may be rebuilding, retrying in 5 s...`);
    spawnSync('sleep', ['5']);
  }
}

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

// ------------------------------------------------------------------------------------------ CPU / RSS

interface ProcSet {
  gateway: number;
  upstreams: number[];
}

interface CpuSnapshot {
  at: number;
  gateway: number;
  upstreams: number;
  postgres: Map<number, number>;
  loadgen: number;
  cores: { busyMs: number; totalMs: number }[];
}

function snapshot(p: ProcSet): CpuSnapshot {
  const usage = process.cpuUsage();
  const pg = new Map<number, number>();
  for (const pid of descendants(p.gateway)) pg.set(pid, cpuMs(pid) ?? 0);
  return {
    at: performance.now(),
    gateway: cpuMs(p.gateway) ?? 0,
    upstreams: p.upstreams.reduce((sum, pid) => sum + (cpuMs(pid) ?? 0), 0),
    postgres: pg,
    loadgen: (usage.user + usage.system) / 1000,
    cores: cpuTimes(),
  };
}

/** CPU use between two snapshots, in % of one core. */
function cpuBetween(a: CpuSnapshot, b: CpuSnapshot) {
  const dt = b.at - a.at;
  const pct = (ms: number) => round((ms / dt) * 100, 1);
  let pg = 0;
  for (const [pid, ms] of b.postgres) pg += ms - (a.postgres.get(pid) ?? 0);
  const ours = b.gateway - a.gateway + (b.upstreams - a.upstreams) + pg + (b.loadgen - a.loadgen);
  const coreBusyPct = b.cores.map((c, i) =>
    a.cores[i]
      ? round(((c.busyMs - a.cores[i].busyMs) / (c.totalMs - a.cores[i].totalMs || 1)) * 100, 1)
      : NaN,
  );
  const busyMs = b.cores.reduce((sum, c, i) => sum + (a.cores[i] ? c.busyMs - a.cores[i].busyMs : 0), 0);
  return {
    elapsedMs: round(dt, 1),
    gatewayCpuMs: round(b.gateway - a.gateway, 1),
    gatewayPct: pct(b.gateway - a.gateway),
    upstreamsPct: pct(b.upstreams - a.upstreams),
    postgresPct: pct(pg),
    loadgenPct: pct(b.loadgen - a.loadgen),
    /** Busy share of each CPU (all processes, kernel included). */
    coreBusyPct,
    /** Busy CPU time not used by the benchmark's processes: other work on the machine, plus kernel time. */
    otherPct: pct(Math.max(0, busyMs - ours)),
  };
}

class RssWatcher {
  maxRssKb = 0;
  phaseMaxKb = 0;
  private readonly timer: NodeJS.Timeout;
  constructor(private readonly pid: number) {
    this.timer = setInterval(() => this.sample(), 100);
    this.timer.unref();
  }
  sample(): void {
    const m = memoryKb(this.pid);
    if (!m) return;
    this.maxRssKb = Math.max(this.maxRssKb, m.rssKb);
    this.phaseMaxKb = Math.max(this.phaseMaxKb, m.rssKb);
  }
  phaseStart(): void {
    this.phaseMaxKb = 0;
    this.sample();
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

// ------------------------------------------------------------------------------------------ main

interface PhaseMeta {
  cpu: ReturnType<typeof cpuBetween>;
  /** Gateway CPU time per completed request: robust to a busy machine, unlike req/s. */
  gatewayCpuMsPerRequest: number | null;
  gatewayMaxRssMb: number;
}

async function main(): Promise<void> {
  const opts = parseOptions();
  const startedAt = new Date();
  const build = ensureBuilt(opts.build);
  const snapshotDir = path.join(RESULTS_DIR, `.run-${stamp(startedAt)}`);
  onCleanup('build snapshot', () => rmSync(snapshotDir, { recursive: true, force: true }));
  const { apiMain, fakeMain } = snapshotBuild(snapshotDir);

  // ---- pinning: this process (load generator) on core 1, so children inherit it unless told otherwise.
  const pinning = opts.pin && canPin();
  if (opts.pin && !pinning) log('warning: taskset or a second CPU is missing; running unpinned');
  if (pinning && !pin(process.pid, LOAD_CORE))
    throw new Error('could not pin the load generator with taskset');
  const onCore = (core: string, cmd: string, args: string[]) =>
    pinning ? { cmd: 'taskset', args: ['-c', core, cmd, ...args] } : { cmd, args };

  // Other work on the machine skews every figure: measure it first and say so.
  let background = await foreignLoad([], 2000);
  const quietBy = Date.now() + opts.waitQuietS * 1000;
  while (background.pct > 15 && Date.now() < quietBy) {
    log(`waiting for a quieter machine (other processes use ${background.pct}% of a core)...`);
    background = await foreignLoad([], 5000);
  }
  log(
    `background load before start: ${background.pct}% of one core` +
      (background.top.length ? ` (${background.top.map((t) => `${t.name} ${t.pct}%`).join(', ')})` : ''),
  );
  if (background.pct > 15)
    log('warning: the machine is busy; figures will be lower and noisier than on an idle machine');

  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-'));
  onCleanup('data dir', () => rmSync(dataDir, { recursive: true, force: true }));
  const profDir = opts.cpuProf ? path.join(RESULTS_DIR, `prof-${stamp(startedAt)}`) : null;
  const allocFile = opts.allocProf ? path.join(RESULTS_DIR, `alloc-${stamp(startedAt)}.heapprofile`) : null;

  // ---- fake upstreams
  const upstreams: { child: Child; port: number; origin: string }[] = [];
  for (let i = 1; i <= 3; i++) {
    const port = await freePort();
    const c = onCore(LOAD_CORE, process.execPath, [fakeMain, '--port', String(port), '--name', `u${i}`]);
    const child = new Child(`u${i}`, c.cmd, c.args, { cwd: ROOT, echo: opts.verbose });
    onCleanup(`upstream u${i}`, () => child.stop(5000));
    upstreams.push({ child, port, origin: `http://127.0.0.1:${port}` });
  }
  for (const u of upstreams) {
    await waitFor(
      `${u.child.name} health`,
      15_000,
      async () => (await http('GET', `${u.origin}/_fake/health`)).status === 200,
      u.child,
    );
  }
  log(`fake upstreams: ${upstreams.map((u) => `${u.child.name}=${u.port}`).join(' ')}`);

  // ---- gateway
  const gwPort = await freePort();
  const masterKey = `sk-bench-master-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  // The flags production runs with (npm start, Docker), then the experiment's own.
  const nodeArgs = [
    ...GATEWAY_NODE_FLAGS,
    ...opts.nodeArgs,
    ...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []),
    ...(allocFile ? ['--import', pathToFileURL(path.join(__dirname, 'lib', 'alloc-sampler.mjs')).href] : []),
  ];
  const gc = onCore(GATEWAY_CORE, process.execPath, [...nodeArgs, apiMain]);
  const gatewayEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(gwPort),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    MASTER_KEY: masterKey,
    ENCRYPTION_KEY: 'bench-encryption-key-0123456789abcdef',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    ...(allocFile ? { SB_ALLOC_PROF_OUT: allocFile } : {}),
    // BENCH_GW_<NAME>=value sets <NAME> for the gateway (e.g. BENCH_GW_LOG_BATCH_SIZE=1000).
    ...Object.fromEntries(
      Object.entries(process.env)
        .filter(([k]) => k.startsWith('BENCH_GW_'))
        .map(([k, v]) => [k.slice('BENCH_GW_'.length), v]),
    ),
  };
  const gateway = new Child('gateway', gc.cmd, gc.args, { cwd: ROOT, env: gatewayEnv, echo: opts.verbose });
  const postmasterPid = () => {
    try {
      return Number(readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
    } catch {
      return null;
    }
  };
  onCleanup('gateway', async () => {
    // SIGTERM: the gateway drains, flushes the log writer and stops its PostgreSQL.
    await gateway.stop(25_000);
    const pm = postmasterPid();
    if (pm && isAlive(pm)) {
      process.kill(pm, 'SIGINT'); // fast shutdown
      for (let i = 0; i < 50 && isAlive(pm); i++) await sleep(100);
      if (isAlive(pm)) process.kill(pm, 'SIGKILL');
    }
  });
  const origin = `http://127.0.0.1:${gwPort}`;
  const t0 = performance.now();
  await waitFor(
    'gateway readiness',
    180_000,
    async () => (await http('GET', `${origin}/health/readiness`)).status === 200,
    gateway,
  );
  const pgPort = Number((await gateway.waitForLine(/Embedded PostgreSQL on 127\.0\.0\.1:(\d+)/, 5000))[1]);
  log(
    `gateway ready on ${gwPort} in ${Math.round(performance.now() - t0)} ms (embedded PostgreSQL on ${pgPort})`,
  );
  const atReady = memoryKb(gateway.pid);
  const rssAtReadyMb = atReady ? round(atReady.rssKb / 1024, 1) : null;
  log(
    `gateway RSS at readiness: ${rssAtReadyMb} MB (peak so far ${atReady ? round(atReady.hwmKb / 1024, 1) : null} MB)`,
  );
  const rss = new RssWatcher(gateway.pid);
  onCleanup('rss watcher', () => rss.stop());

  // ---- PostgreSQL onto the load core (it is the gateway's child, so it inherited core 0).
  const pgPids = descendants(gateway.pid);
  if (pinning && !opts.pgOnGatewayCore) for (const pid of pgPids) pin(pid, LOAD_CORE);
  const pm = postmasterPid();
  const placement = {
    pinned: pinning,
    gateway: affinity(gateway.pid),
    loadGenerator: affinity(process.pid),
    upstreams: affinity(upstreams[0].child.pid),
    postgres: pm ? affinity(pm) : null,
  };
  log(
    `CPU placement: gateway node=${placement.gateway}, load generator=${placement.loadGenerator}, ` +
      `upstreams=${placement.upstreams}, postgres=${placement.postgres}`,
  );
  log(`gateway node flags: ${nodeArgs.join(' ') || '(none)'}`);

  // ---- deployments
  for (const [i, u] of upstreams.entries()) {
    const r = await http('POST', `${origin}/api/deployments`, {
      token: masterKey,
      body: {
        name: `bench-u${i + 1}`,
        modelGroup: MODEL,
        provider: 'openai-compatible',
        model: MODEL,
        apiBase: `${u.origin}/v1`,
        apiKey: `sk-bench-${i + 1}`,
      },
    });
    if (r.status !== 201 && r.status !== 200)
      throw new Error(`POST /api/deployments: ${r.status} ${JSON.stringify(r.json)}`);
  }

  // ---- key check: a virtual key when the keys API exists, else the master key.
  let token = masterKey;
  let authMode: 'virtual-key' | 'master-key' = 'master-key';
  let authNote = '';
  const project = await http('POST', `${origin}/api/projects`, { token: masterKey, body: { name: 'bench' } });
  if (project.status === 201 || project.status === 200) {
    const key = await http('POST', `${origin}/api/keys`, {
      token: masterKey,
      body: { projectId: project.json.id, alias: 'bench' },
    });
    if ((key.status === 201 || key.status === 200) && typeof key.json?.key === 'string') {
      token = key.json.key;
      authMode = 'virtual-key';
    } else authNote = `POST /api/keys answered ${key.status}`;
  } else authNote = `POST /api/projects answered ${project.status}`;

  // The router and the key registry reload asynchronously: wait until the model is listed.
  const modelListed = async (t: string) => {
    const r = await http('GET', `${origin}/v1/models`, { token: t });
    if (r.status === 200 && Array.isArray(r.json?.data) && r.json.data.some((m: any) => m.id === MODEL))
      return true;
    throw new Error(`GET /v1/models: ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`);
  };
  await waitFor(`${MODEL} routable`, 15_000, () => modelListed(masterKey));
  if (authMode === 'virtual-key') {
    try {
      await waitFor('the virtual key to be accepted', 5000, () => modelListed(token));
      const check = await http('POST', `${origin}/v1/chat/completions`, {
        token: 'sk-not-a-real-key-000000',
        body: chatBody(false),
      });
      if (check.status !== 401) authNote = `an unknown key got ${check.status}, expected 401`;
    } catch (err) {
      token = masterKey;
      authMode = 'master-key';
      authNote = `the data plane rejected the new virtual key: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  log(`auth: ${authMode}${authNote ? ` (${authNote})` : ''}`);

  const direct: Target = {
    origin: upstreams[0].origin,
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench-1' },
    body: JSON.stringify(chatBody(false)),
  };
  const viaGateway: Target = {
    origin,
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(chatBody(false)),
  };

  // ---- smoke: one request each way; the gateway's must be a 200 with its routing headers.
  const smokeDirect = await http('POST', direct.origin + direct.path, {
    token: 'sk-bench-1',
    body: chatBody(false),
  });
  if (smokeDirect.status !== 200) throw new Error(`direct smoke request: ${smokeDirect.status}`);
  const smoke = await http('POST', origin + viaGateway.path, { token, body: chatBody(false) });
  if (smoke.status !== 200)
    throw new Error(`gateway smoke request: ${smoke.status} ${JSON.stringify(smoke.json)}`);
  let gatewaySent = 1; // every request that reached the gateway's data plane (should be one log row each)

  // ---- database (to count log rows)
  const password = readFileSync(path.join(dataDir, 'postgres.password'), 'utf8').trim();
  const db = new PgClient({
    host: '127.0.0.1',
    port: pgPort,
    user: 'postgres',
    password,
    database: 'switchboard',
  });
  db.on('error', () => undefined); // the gateway stops its PostgreSQL at the end (or on Ctrl+C)
  await db.connect();
  onCleanup('db client', () => db.end().catch(() => undefined));
  // Refused requests are logged too; the only 401 is the bench's own unknown-key probe, not load.
  const countRows = async () =>
    Number((await db.query('SELECT count(*)::int AS n FROM "RequestLog" WHERE status <> 401')).rows[0].n);

  const procs: ProcSet = { gateway: gateway.pid, upstreams: upstreams.map((u) => u.child.pid) };
  const windows: Record<string, { startUs: number; endUs: number }> = {};
  const phase = async <T>(
    name: string,
    gatewayPhase: boolean,
    run: () => Promise<T>,
  ): Promise<T & PhaseMeta> => {
    rss.phaseStart();
    const a = snapshot(procs);
    const startUs = Number(process.hrtime.bigint() / 1000n);
    const result = await run();
    const endUs = Number(process.hrtime.bigint() / 1000n);
    const b = snapshot(procs);
    rss.sample();
    if (gatewayPhase) windows[name] = { startUs, endUs };
    // Let the request-log writer catch up before the next phase.
    await sleep(1000);
    const cpu = cpuBetween(a, b);
    const completed = (result as { completed?: number }).completed;
    return {
      ...result,
      cpu,
      gatewayCpuMsPerRequest: gatewayPhase && completed ? round(cpu.gatewayCpuMs / completed, 3) : null,
      gatewayMaxRssMb: round(rss.phaseMaxKb / 1024, 1),
    };
  };
  const maxRequests = (s: number) => Math.ceil(s * 50_000);
  const show = (r: LoadResult & PhaseMeta) =>
    log(
      `  ${r.title}: ${r.rps} req/s, p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms, ` +
        `sent ${r.sent}, done ${r.completed}, non-2xx ${r.non2xx}, errors ${r.errors}; ` +
        (r.gatewayCpuMsPerRequest !== null ? `gateway CPU ${r.gatewayCpuMsPerRequest} ms/request; ` : '') +
        `CPU gateway ${r.cpu.gatewayPct}% upstreams ${r.cpu.upstreamsPct}% load ${r.cpu.loadgenPct}% ` +
        `pg ${r.cpu.postgresPct}% other ${r.cpu.otherPct}% (cores busy ${r.cpu.coreBusyPct.join('/')}%)`,
    );

  // ---- 1. max throughput (after a warm-up of both)
  log(`warm-up: ${opts.warmupS} s each, ${opts.connections} connections`);
  if (opts.warmupS > 0) {
    const w1 = await phase('warmup-gateway', false, () =>
      cannon(viaGateway, {
        title: 'warm-up gateway',
        connections: opts.connections,
        durationS: opts.warmupS,
        maxRequests: maxRequests(opts.warmupS),
      }),
    );
    gatewaySent += w1.sent;
    await phase('warmup-direct', false, () =>
      cannon(direct, {
        title: 'warm-up direct',
        connections: opts.connections,
        durationS: opts.warmupS,
        maxRequests: maxRequests(opts.warmupS),
      }),
    );
  }
  log(`1. max throughput: ${opts.durationS} s each, ${opts.connections} connections, pipelining 1`);
  const tputDirect = await phase('throughput-direct', false, () =>
    cannon(direct, {
      title: 'direct',
      connections: opts.connections,
      durationS: opts.durationS,
      maxRequests: maxRequests(opts.durationS),
    }),
  );
  show(tputDirect);
  // SIGWINCH starts and stops alloc-sampler.mjs in the gateway (--alloc-prof).
  if (allocFile) process.kill(gateway.pid, 'SIGWINCH');
  const tputGateway = await phase('throughput-gateway', true, () =>
    cannon(viaGateway, {
      title: 'gateway',
      connections: opts.connections,
      durationS: opts.durationS,
      maxRequests: maxRequests(opts.durationS),
    }),
  );
  if (allocFile) process.kill(gateway.pid, 'SIGWINCH');
  gatewaySent += tputGateway.sent;
  show(tputGateway);

  // ---- 2. fixed rate: an evenly paced open loop (the figure judged), then autocannon's own limiter.
  log(
    `2. fixed ${opts.rate} req/s for ${opts.rateDurationS} s each (paced open loop, then autocannon overallRate)`,
  );
  const pacedConnections = 64;
  const rateDirect = await phase('rate-direct', false, () =>
    paced(direct, {
      title: 'paced direct',
      rate: opts.rate,
      durationS: opts.rateDurationS,
      connections: pacedConnections,
    }),
  );
  show(rateDirect);
  const rateGateway = await phase('rate-gateway', true, () =>
    paced(viaGateway, {
      title: 'paced gateway',
      rate: opts.rate,
      durationS: opts.rateDurationS,
      connections: pacedConnections,
    }),
  );
  gatewaySent += rateGateway.sent;
  show(rateGateway);
  const cannonRateConnections = 10;
  const cRateDirect = await phase('cannon-rate-direct', false, () =>
    cannon(direct, {
      title: 'autocannon-rate direct',
      connections: cannonRateConnections,
      durationS: opts.rateDurationS,
      overallRate: opts.rate,
      maxRequests: Math.ceil(opts.rate * (opts.rateDurationS + 1)),
    }),
  );
  show(cRateDirect);
  const cRateGateway = await phase('cannon-rate-gateway', true, () =>
    cannon(viaGateway, {
      title: 'autocannon-rate gateway',
      connections: cannonRateConnections,
      durationS: opts.rateDurationS,
      overallRate: opts.rate,
      maxRequests: Math.ceil(opts.rate * (opts.rateDurationS + 1)),
    }),
  );
  gatewaySent += cRateGateway.sent;
  show(cRateGateway);

  // ---- 3. streaming: time to the first chunk
  log(
    `3. streaming: ${opts.streams} requests each, ${opts.streamConcurrency} at a time, upstream ttft ${opts.ttftMs} ms, ` +
      `${opts.tokensPerSecond} tokens/s`,
  );
  for (const u of upstreams) {
    const r = await http('POST', `${u.origin}/_fake/config`, {
      body: { ttftMs: opts.ttftMs, tokensPerSecond: opts.tokensPerSecond },
    });
    if (r.status !== 200)
      throw new Error(`${u.child.name} /_fake/config: ${r.status} ${JSON.stringify(r.json)}`);
  }
  const streamTarget = (t: Target): Target => ({ ...t, body: JSON.stringify(chatBody(true)) });
  const streamOpts = (title: string) => ({
    title,
    total: opts.streams,
    concurrency: opts.streamConcurrency,
    timeoutMs: 120_000,
  });
  // A few unmeasured streams first on each side (connection pools, JIT).
  await streams(streamTarget(direct), { ...streamOpts('warm'), total: 20 });
  await streams(streamTarget(viaGateway), { ...streamOpts('warm'), total: 20 }).then(
    (r) => (gatewaySent += r.sent),
  );
  const showStream = (r: StreamResult & PhaseMeta) =>
    log(
      `  ${r.title}: first chunk p50 ${r.firstChunkMs.p50} ms p99 ${r.firstChunkMs.p99} ms; first token p50 ` +
        `${r.firstTokenMs.p50} ms; done ${r.completed}/${r.sent}, incomplete ${r.incomplete}, errors ${r.errors}`,
    );
  const streamDirect = await phase('stream-direct', false, () =>
    streams(streamTarget(direct), streamOpts('stream direct')),
  );
  showStream(streamDirect);
  const streamGateway = await phase('stream-gateway', true, () =>
    streams(streamTarget(viaGateway), streamOpts('stream gateway')),
  );
  gatewaySent += streamGateway.sent;
  showStream(streamGateway);

  // ---- 4./5. peak RSS and log rows
  log('5. waiting for the request-log writer...');
  await sleep(2000);
  let rows = await countRows();
  for (let i = 0, stable = 0; i < 40 && rows < gatewaySent && stable < 6; i++) {
    await sleep(500);
    const next = await countRows();
    stable = next === rows ? stable + 1 : 0;
    rows = next;
  }
  const byStatus = (
    await db.query('SELECT status, count(*)::int AS n FROM "RequestLog" GROUP BY status ORDER BY status')
  ).rows.map((r: any) => ({ status: Number(r.status), rows: Number(r.n) }));
  const metrics = await http('GET', `${origin}/metrics`).catch(() => null);
  const metric = (name: string) => {
    if (!metrics || typeof metrics.json !== 'string') return null;
    const m = new RegExp(`^${name}(?:\\{[^}]*\\})?\\s+([0-9.e+-]+)`, 'm').exec(metrics.json);
    return m ? Number(m[1]) : null;
  };
  const writer = {
    written: metric('switchboard_log_rows_written_total'),
    dropped: metric('switchboard_log_rows_dropped_total'),
    queued: metric('switchboard_log_queue_depth'),
  };
  const mem = memoryKb(gateway.pid);
  rss.sample();
  const peakRssMb = round((mem?.hwmKb ?? rss.maxRssKb) / 1024, 1);

  // ---- stop the gateway (writes its CPU profile when profiling)
  await cleanup();
  const allocations =
    allocFile && existsSync(allocFile) ? summarizeAllocations(allocFile, tputGateway.completed) : null;
  if (allocFile && !allocations) log(`warning: no allocation profile was written to ${allocFile}`);
  let profile: ProfileSummary | null = null;
  if (profDir && existsSync(profDir)) {
    const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    if (file) {
      const w = windows['throughput-gateway'];
      profile = summarizeProfile(path.join(profDir, file), w ? [w] : null);
    }
  }

  // ---- figures
  const added = (g: number, d: number) => round(g - d, 3);
  const figures = {
    maxRpsGateway: tputGateway.rps,
    maxRpsDirect: tputDirect.rps,
    gatewayCpuAtMaxPct: tputGateway.cpu.gatewayPct,
    gatewayCpuMsPerRequestAtMax: tputGateway.gatewayCpuMsPerRequest,
    /** What one fully available core would do at that cost per request. */
    projectedRpsOnFullCore: tputGateway.gatewayCpuMsPerRequest
      ? round(1000 / tputGateway.gatewayCpuMsPerRequest, 0)
      : null,
    addedLatencyP50Ms: added(rateGateway.latencyMs.p50, rateDirect.latencyMs.p50),
    addedLatencyP99Ms: added(rateGateway.latencyMs.p99, rateDirect.latencyMs.p99),
    overheadHeaderP50Ms: rateGateway.overheadHeaderMs?.p50 ?? null,
    overheadHeaderP99Ms: rateGateway.overheadHeaderMs?.p99 ?? null,
    autocannonRateAddedP50Ms: added(cRateGateway.latencyMs.p50, cRateDirect.latencyMs.p50),
    autocannonRateAddedP99Ms: added(cRateGateway.latencyMs.p99, cRateDirect.latencyMs.p99),
    addedFirstChunkP50Ms: added(streamGateway.firstChunkMs.p50, streamDirect.firstChunkMs.p50),
    addedFirstChunkP99Ms: added(streamGateway.firstChunkMs.p99, streamDirect.firstChunkMs.p99),
    addedFirstTokenP50Ms: added(streamGateway.firstTokenMs.p50, streamDirect.firstTokenMs.p50),
    peakRssMb,
    rssAtReadyMb,
    maxRssDuringLoadMb: round(rss.maxRssKb / 1024, 1),
    logRows: rows,
    gatewayRequestsSent: gatewaySent,
  };
  const checks = [
    {
      name: 'max throughput, non-stream chat via gateway',
      target: `>= ${TARGETS.minRps} req/s`,
      measured:
        `${figures.maxRpsGateway} req/s (direct ${figures.maxRpsDirect}; gateway CPU ${figures.gatewayCpuAtMaxPct}%, ` +
        `${figures.gatewayCpuMsPerRequestAtMax} ms/request)`,
      pass: figures.maxRpsGateway >= TARGETS.minRps && tputGateway.non2xx === 0 && tputGateway.errors === 0,
    },
    {
      name: `added latency p50 @ ${opts.rate} req/s`,
      target: `<= ${TARGETS.maxAddedP50Ms} ms`,
      measured: `${figures.addedLatencyP50Ms} ms (${rateGateway.latencyMs.p50} vs ${rateDirect.latencyMs.p50})`,
      pass: figures.addedLatencyP50Ms <= TARGETS.maxAddedP50Ms && rateGateway.non2xx === 0,
    },
    {
      name: `added latency p99 @ ${opts.rate} req/s`,
      target: `<= ${TARGETS.maxAddedP99Ms} ms`,
      measured: `${figures.addedLatencyP99Ms} ms (${rateGateway.latencyMs.p99} vs ${rateDirect.latencyMs.p99})`,
      pass: figures.addedLatencyP99Ms <= TARGETS.maxAddedP99Ms && rateGateway.non2xx === 0,
    },
    {
      name: 'added time to first streamed chunk (p50)',
      target: `<= ${TARGETS.maxAddedFirstChunkMs} ms`,
      measured: `${figures.addedFirstChunkP50Ms} ms (p99 ${figures.addedFirstChunkP99Ms} ms)`,
      pass: figures.addedFirstChunkP50Ms <= TARGETS.maxAddedFirstChunkMs && streamGateway.incomplete === 0,
    },
    {
      name: 'gateway peak RSS (VmHWM, node only)',
      target: `< ${TARGETS.maxRssMb} MB`,
      measured: `${peakRssMb} MB (at readiness ${rssAtReadyMb} MB, max sampled under load ${figures.maxRssDuringLoadMb} MB)`,
      pass: peakRssMb < TARGETS.maxRssMb,
    },
    {
      name: 'request-log rows written vs requests sent',
      target: 'equal',
      measured: `${rows} / ${gatewaySent}${writer.dropped ? ` (dropped ${writer.dropped})` : ''}`,
      pass: rows === gatewaySent,
    },
  ];
  const info = [
    [
      'gateway CPU per request at max load / req/s one full core would give',
      `${figures.gatewayCpuMsPerRequestAtMax} ms / ${figures.projectedRpsOnFullCore} req/s`,
    ],
    [
      'gateway x-switchboard-overhead-ms p50 / p99',
      `${figures.overheadHeaderP50Ms} / ${figures.overheadHeaderP99Ms} ms`,
    ],
    [
      `added latency, autocannon overallRate ${opts.rate} (${cannonRateConnections} conns, bursty) p50 / p99`,
      `${figures.autocannonRateAddedP50Ms} / ${figures.autocannonRateAddedP99Ms} ms`,
    ],
    ['added time to first content token p50', `${figures.addedFirstTokenP50Ms} ms`],
    [
      'auth for the load',
      authMode === 'virtual-key' ? 'virtual key (key check on)' : `MASTER KEY (${authNote || 'no keys API'})`,
    ],
  ];

  printTable(checks, info);

  const report = {
    startedAt: startedAt.toISOString(),
    machine: {
      hostname: os.hostname(),
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? null,
      memoryGb: round(os.totalmem() / 2 ** 30, 1),
      kernel: os.release(),
      node: process.version,
    },
    source: {
      commit: git(['rev-parse', '--short', 'HEAD']),
      dirtyFiles: (git(['status', '--porcelain']) ?? '').split('\n').filter(Boolean).length,
      apiDistBuiltAt: build.builtAt,
      sourcesNewerThanBuild: build.staleSources,
    },
    options: opts,
    backgroundLoadBeforeStart: background,
    placement,
    gatewayNodeFlags: nodeArgs,
    auth: { mode: authMode, note: authNote || null },
    targets: TARGETS,
    figures,
    checks,
    phases: {
      throughput: { direct: tputDirect, gateway: tputGateway },
      fixedRatePaced: { direct: rateDirect, gateway: rateGateway },
      fixedRateAutocannon: { connections: cannonRateConnections, direct: cRateDirect, gateway: cRateGateway },
      streaming: { direct: streamDirect, gateway: streamGateway },
    },
    logRows: { rows, byStatus, gatewayRequestsSent: gatewaySent, writer },
    profile,
    allocations: allocations && { ...allocations, top: allocations.top.slice(0, 60) },
    /** Phase windows on the monotonic clock (µs), to cut a --cpu-prof profile by phase. */
    gatewayPhaseWindowsUs: windows,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const out = path.join(RESULTS_DIR, `gateway-${stamp(startedAt)}.json`);
  writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
  if (profile) printProfile(profile);
  if (allocations) printAllocations(allocations);
  log(`JSON: ${path.relative(process.cwd(), out)}`);
  const failed = checks.filter((c) => !c.pass).length;
  log(
    failed
      ? `${failed} of ${checks.length} targets MISSED (a benchmark: exit code stays 0)`
      : 'all targets met',
  );
}

function chatBody(stream: boolean) {
  // Dify's credential check: tiny prompt, tiny answer.
  return stream
    ? {
        model: MODEL,
        messages: [{ role: 'user', content: 'ping' }],
        stream: true,
        stream_options: { include_usage: true },
      }
    : { model: MODEL, messages: [{ role: 'user', content: 'ping' }], max_tokens: 5, stream: false };
}

function stamp(d: Date): string {
  return d
    .toISOString()
    .replace(/[:.]/g, '-')
    .replace(/-\d{3}Z$/, 'Z');
}

function printTable(
  checks: { name: string; target: string; measured: string; pass: boolean }[],
  info: string[][],
): void {
  const rows = [
    ['', 'target', 'measured', 'result'],
    ...checks.map((c) => [c.name, c.target, c.measured, c.pass ? 'PASS' : 'FAIL']),
  ];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((cell, i) => cell.padEnd(widths[i])).join(' | ');
  console.log('\n' + line(rows[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('-+-'));
  for (const r of rows.slice(1)) console.log(line(r));
  console.log('');
  const w = Math.max(...info.map((r) => r[0].length));
  for (const [k, v] of info) console.log(`${k.padEnd(w)} : ${v}`);
  console.log('');
}

main()
  .catch(async (err: unknown) => {
    console.error(`[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    await cleanup();
    process.exitCode = 1;
  })
  .finally(() => cleanup());
