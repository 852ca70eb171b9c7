// Console statistics at scale: `npm run bench:stats [-- --rows 10000000 --runs 20 --data-dir .data/bench-stats --keep]`.
//
// Starts its own embedded PostgreSQL, seeds request logs over 30 days across 9 deployments, 5 projects,
// 20 keys and about 2,000 end users (skewed; 30 % of requests name none) with INSERT … SELECT
// generate_series, builds the usage and end-user rollups from them with the writer's own aggregation SQL,
// starts the built app (`nx run api:build`, as `npm start` runs it) on 127.0.0.1 and times every query the
// console's Overview makes (summary, distribution by each grouping, top end users; at 1 h, 24 h, 7 d and
// 30 d; without a filter and with each filter) and /api/logs. With --data-dir a seeded cluster is reused
// on the next run (and kept). Not part of jest.
import { testConfig } from '../apps/api/src/testing/test-app';
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import type { createApp as CreateApp } from '../apps/api/src/bootstrap';
import type { createLogger as CreateLogger } from '../apps/api/src/common/logger';
import type { RequestLogEntry } from '../apps/api/src/usage/request-log-entry';
import type { RequestLogWriter as RequestLogWriterClass } from '../apps/api/src/usage/request-log.writer';
import type { AppConfig } from '../apps/api/src/config/app-config';
import { startEmbeddedPostgres } from '../apps/api/src/database/embedded-postgres';
import { applyMigrations } from '../apps/api/src/database/migration-runner';
import {
  endUserRollupUpsertSql,
  rollupFromFinerSql,
  rollupUpsertSql,
} from '../apps/api/src/usage/rollup-sql';

const MASTER_KEY = 'sk-sb-bench-master-key-0123456789';
const DAY_MS = 86_400_000;
const SEED_CHUNK = 1_000_000;
const WRITER_ROWS = 50_000;
/** Distinct end users seeded (`user-0` … `user-1999`), the low numbers far more active. */
const END_USERS = 2000;
/** The Overview's answers should take no longer than this at 10 M rows (#12 item 17). */
const TARGET_MS = 300;

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000000' },
    runs: { type: 'string', default: '20' },
    'data-dir': { type: 'string' },
    keep: { type: 'boolean', default: false },
    'raw-rows': { type: 'string' },
  },
});
const ROWS = Number(args.rows);
const RUNS = Number(args.runs);
/**
 * Request logs kept in RequestLog (the newest); the older ones are seeded chunk by chunk into a scratch
 * table, added to the rollups with the writer's SQL and thrown away, as if retention had dropped them. The
 * Overview reads only the rollups, so 100 M requests can be measured without 80 GB of raw rows.
 */
const RAW_ROWS = args['raw-rows'] === undefined ? ROWS : Number(args['raw-rows']);
if (
  !Number.isInteger(ROWS) ||
  ROWS < 1 ||
  !Number.isInteger(RUNS) ||
  RUNS < 1 ||
  !Number.isInteger(RAW_ROWS) ||
  RAW_ROWS < 1 ||
  RAW_ROWS > ROWS
) {
  console.error(
    'usage: npm run bench:stats -- [--rows N] [--raw-rows N (<= rows)] [--runs N] [--data-dir DIR] [--keep]',
  );
  process.exit(2);
}

const uuid = (kind: number, i: number): string =>
  `00000000-0000-4000-8000-${String(kind * 1000 + i).padStart(12, '0')}`;
const GROUPS = ['gpt-4.1', 'gpt-4.1-mini', 'text-embedding-3-large'];
const DEPLOYMENTS = Array.from({ length: 9 }, (_, i) => ({
  id: uuid(2, i),
  name: `${GROUPS[i % 3]}-${['azure-eastus', 'azure-westeurope', 'openai'][Math.floor(i / 3)]}`,
  group: GROUPS[i % 3],
}));
const PROJECTS = Array.from({ length: 5 }, (_, i) => ({ id: uuid(3, i), name: `project-${i + 1}` }));
const KEYS = Array.from({ length: 20 }, (_, i) => ({
  id: uuid(4, i),
  projectId: PROJECTS[i % 5].id,
  alias: `key-${i + 1}`,
}));

const sqlArray = (values: string[], type: string): string =>
  `ARRAY[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',')}]::${type}[]`;

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await fn();
  console.log(`  ${label}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

async function seedOwners(db: Client): Promise<void> {
  for (const g of GROUPS) {
    await db.query(
      `INSERT INTO "ModelGroup" (id, name, "updatedAt") VALUES (gen_random_uuid(), $1, now()) ON CONFLICT DO NOTHING`,
      [g],
    );
  }
  for (const d of DEPLOYMENTS) {
    await db.query(
      `INSERT INTO "Deployment" (id, name, "modelGroupId", provider, model, "apiBase", "updatedAt")
       SELECT $1, $2, g.id, 'openai-compatible', $3, 'http://127.0.0.1:9', now() FROM "ModelGroup" g WHERE g.name = $3`,
      [d.id, d.name, d.group],
    );
  }
  for (const p of PROJECTS) {
    await db.query(`INSERT INTO "Project" (id, name, "updatedAt") VALUES ($1, $2, now())`, [p.id, p.name]);
  }
  for (const k of KEYS) {
    await db.query(
      `INSERT INTO "VirtualKey" (id, "keyHash", prefix, "projectId", alias, "updatedAt")
       VALUES ($1, md5($4), 'sk-sb-bnch…' || right($4, 4), $2, $3, now())`,
      [k.id, k.projectId, k.alias, k.id],
    );
  }
}

/** The columns the rollups read: all a scratch chunk that is rolled up and dropped needs. */
const ROLLED_UP_COLUMNS = [
  'createdAt',
  'modelGroup',
  'deploymentId',
  'deploymentName',
  'projectId',
  'keyId',
  'status',
  'latencyMs',
  'promptTokens',
  'completionTokens',
  'totalTokens',
  'costUsd',
  'endUser',
];

/**
 * Inserts rows $3…$4 of a series spread evenly from $1 (epoch ms, $2 ms apart) into `table`: every
 * RequestLog column, or only ROLLED_UP_COLUMNS (`narrow`).
 */
function insertLogsSql(table: string, narrow = false): string {
  const depIds = sqlArray(
    DEPLOYMENTS.map((d) => d.id),
    'uuid',
  );
  const depNames = sqlArray(
    DEPLOYMENTS.map((d) => d.name),
    'text',
  );
  const depGroups = sqlArray(
    DEPLOYMENTS.map((d) => d.group),
    'text',
  );
  const keyIds = sqlArray(
    KEYS.map((k) => k.id),
    'uuid',
  );
  const keyProjects = sqlArray(
    KEYS.map((k) => k.projectId),
    'uuid',
  );
  const columns: [string, string][] = [
    ['createdAt', 'to_timestamp(($1::float8 + s.g * $2::float8) / 1000)'],
    ['requestId', `'bench-' || s.g`],
    ['route', `'chat.completions'`],
    ['keyId', `(${keyIds})[s.k]`],
    ['projectId', `(${keyProjects})[s.k]`],
    ['modelGroup', `(${depGroups})[s.d]`],
    ['deploymentId', `(${depIds})[s.d]`],
    ['deploymentName', `(${depNames})[s.d]`],
    [
      'attempts',
      `jsonb_build_array(jsonb_build_object('deploymentId', (${depIds})[s.d], 'deploymentName', (${depNames})[s.d],
       'modelGroup', (${depGroups})[s.d], 'status', s.status, 'errorKind', NULL, 'latencyMs', s.latency, 'startedAt', 0))`,
    ],
    ['attemptCount', '1'],
    ['status', 's.status'],
    ['errorType', `CASE WHEN s.status >= 400 THEN 'api_error' END`],
    ['errorMessage', `CASE WHEN s.status >= 400 THEN 'upstream error' END`],
    ['latencyMs', 's.latency'],
    ['ttftMs', 'CASE WHEN s.stream THEN s.latency / 4 END'],
    ['gatewayMs', '1.2'],
    ['promptTokens', 's.prompt'],
    ['completionTokens', 's.completion'],
    ['totalTokens', 's.prompt + s.completion'],
    ['costUsd', 's.prompt * 2.5e-6 + s.completion * 1e-5'],
    ['stream', 's.stream'],
    ['endUser', 's.end_user'],
  ];
  const chosen = narrow ? columns.filter(([c]) => ROLLED_UP_COLUMNS.includes(c)) : columns;
  // Skewed latencies and a few percent errors.
  return `INSERT INTO "${table}" (${chosen.map(([c]) => `"${c}"`).join(', ')})
   SELECT ${chosen.map(([, e]) => e).join(', ')}
   FROM (
     SELECT g, 1 + (g % 20)::int AS k, 1 + floor(random() * 9)::int AS d,
       -- Each key (a Dify app) has its own end users: ${END_USERS / 20} per key, the low numbers far more active.
       CASE WHEN random() < 0.7 THEN 'user-' || ((g % 20) * ${END_USERS / 20} + floor(${END_USERS / 20} * power(random(), 3)))::int END AS end_user,
       CASE WHEN r < 0.95 THEN 200 WHEN r < 0.98 THEN 429 ELSE 500 END AS status,
       LEAST(120000, (80 + 900 * -ln(1 - random())))::int AS latency,
       50 + floor(random() * 2000)::int AS prompt, 10 + floor(random() * 500)::int AS completion,
       random() < 0.6 AS stream
     FROM generate_series($3::bigint, $4::bigint) g, LATERAL (SELECT random() + 0 * g AS r) x
   ) s`;
}

const ROLLUPS = ['UsageRollup', 'UsageRollupHour', 'UsageRollupDay'] as const;
const END_USER_ROLLUP_TABLES = ['EndUserRollupHour', 'EndUserRollupDay'] as const;

/**
 * 30 days of rows ending at `end`, evenly spread. With `rawRows < rows` only the newest `rawRows` go to
 * RequestLog: the older ones pass chunk by chunk through a narrow scratch table, are added to the minute
 * and end-user rollups with the writer's SQL and thrown away (the kept ones are rolled up from RequestLog,
 * and the hour and day rollups summed from the minutes, by `seed`).
 */
async function seedLogs(db: Client, rows: number, rawRows: number, end: number): Promise<void> {
  const start = end - 30 * DAY_MS;
  const stepMs = (30 * DAY_MS) / rows;
  // Bulk load without the secondary indexes, then build them once.
  const indexes = await db.query<{ indexname: string; indexdef: string }>(
    `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'RequestLog' AND indexname <> 'RequestLog_pkey'`,
  );
  for (const ix of indexes.rows) await db.query(`DROP INDEX "${ix.indexname}"`);
  const SCRATCH = 'BenchSeedChunk';
  const firstKept = rows - rawRows + 1;
  if (firstKept > 1) {
    await db.query(`DROP TABLE IF EXISTS "${SCRATCH}"`);
    await db.query(
      `CREATE UNLOGGED TABLE "${SCRATCH}" AS SELECT ${ROLLED_UP_COLUMNS.map((c) => `"${c}"`).join(', ')}
       FROM "RequestLog" WITH NO DATA`,
    );
  }
  for (let from = 1; from < firstKept; from += SEED_CHUNK) {
    const to = Math.min(firstKept - 1, from + SEED_CHUNK - 1);
    await timed(
      `rows ${from.toLocaleString('en')}–${to.toLocaleString('en')} (rolled up, dropped)`,
      async () => {
        await db.query(insertLogsSql(SCRATCH, true), [start, stepMs, from, to]);
        // Minutes and end users now; hours and days from the finished minutes afterwards (seed()).
        await db.query(rollupUpsertSql('UsageRollup', `"${SCRATCH}"`));
        for (const table of END_USER_ROLLUP_TABLES)
          await db.query(endUserRollupUpsertSql(table, `"${SCRATCH}"`));
        await db.query(`TRUNCATE "${SCRATCH}"`);
      },
    );
  }
  if (firstKept > 1) await db.query(`DROP TABLE "${SCRATCH}"`);
  for (let from = firstKept; from <= rows; from += SEED_CHUNK) {
    const to = Math.min(rows, from + SEED_CHUNK - 1);
    await timed(`rows ${from.toLocaleString('en')}–${to.toLocaleString('en')}`, () =>
      db.query(insertLogsSql('RequestLog'), [start, stepMs, from, to]),
    );
  }
  await timed('secondary indexes', async () => {
    for (const ix of indexes.rows) await db.query(ix.indexdef);
  });
}

/** Seeds the logs when there are none, and builds every rollup table that is still empty. */
async function seed(db: Client, rows: number, rawRows: number): Promise<boolean> {
  await db.query(`SET synchronous_commit = off`);
  await db.query(`SET work_mem = '512MB'`);
  await db.query(`SET maintenance_work_mem = '1GB'`);
  const isEmpty = async (table: string) =>
    (await db.query(`SELECT 1 FROM "${table}" LIMIT 1`)).rowCount === 0;
  let changed = false;
  // The rollups are built from RequestLog when they are empty, or right after seeding it (the scratch
  // chunks of a --raw-rows seed are in them already; RequestLog's rows are not).
  let seeded = false;
  if (await isEmpty('RequestLog')) {
    console.log(
      `Seeding ${rows.toLocaleString('en')} request logs over 30 days` +
        (rawRows < rows
          ? ` (the oldest rolled up and dropped; the newest ${rawRows.toLocaleString('en')} kept)…`
          : '…'),
    );
    await seedOwners(db);
    await seedLogs(db, rows, rawRows, Date.now());
    changed = seeded = true;
  }
  // The same aggregation the writer applies to each batch, over the whole table at once.
  for (const table of ROLLUPS) {
    if (!seeded && !(await isEmpty(table))) continue;
    if (table !== 'UsageRollup' && rawRows < rows) {
      // Most requests are only in the minutes by now: sum them up (the same figures, costs aside from
      // float summation order).
      const finer = table === 'UsageRollupHour' ? 'UsageRollup' : 'UsageRollupHour';
      await timed(`${table} from ${finer}`, () => db.query(rollupFromFinerSql(table, `"${finer}"`)));
    } else {
      await timed(`${table} from RequestLog`, () => db.query(rollupUpsertSql(table, '"RequestLog"')));
    }
    changed = true;
  }
  for (const table of END_USER_ROLLUP_TABLES) {
    if (!seeded && !(await isEmpty(table))) continue;
    await timed(`${table} from RequestLog`, () => db.query(endUserRollupUpsertSql(table, '"RequestLog"')));
    changed = true;
  }
  if (changed) await timed('vacuum analyze', () => db.query(`VACUUM (ANALYZE)`));
  return changed;
}

/** The Overview's ranges, each with the bucket size the console uses for it (time-range.ts). */
const OVERVIEW_RANGES = [
  { name: '1h', ms: 3_600_000, interval: 'minute' },
  { name: '24h', ms: DAY_MS, interval: 'hour' },
  { name: '7d', ms: 7 * DAY_MS, interval: 'hour' },
  { name: '30d', ms: 30 * DAY_MS, interval: 'day' },
] as const;

/** Every filter the Overview offers, one at a time (a key is the narrowest, a model group the widest). */
const OVERVIEW_FILTERS: readonly { name: string; params: Record<string, string> }[] = [
  { name: 'no filter', params: {} },
  { name: 'modelGroup', params: { modelGroup: GROUPS[0] } },
  { name: 'project', params: { projectId: PROJECTS[1].id } },
  { name: 'key', params: { keyId: KEYS[6].id } },
];

/**
 * Every query the Overview makes for a range and a filter: the summary, the four distribution cards and
 * the top end users (by requests; by spend too without a filter), for each range and filter.
 */
function overviewScenarios(now: number): [string, string][] {
  const out: [string, string][] = [];
  for (const range of OVERVIEW_RANGES) {
    const window = { from: new Date(now - range.ms).toISOString(), to: new Date(now).toISOString() };
    for (const filter of OVERVIEW_FILTERS) {
      const tag = `${range.name}, ${filter.name}`;
      const q = (extra: Record<string, string>) =>
        new URLSearchParams({ ...window, ...filter.params, ...extra }).toString();
      out.push([`summary ${tag}`, `/api/stats/summary?${q({})}`]);
      for (const groupBy of ['deployment', 'key', 'project', 'modelGroup']) {
        out.push([
          `distribution ${range.interval} by ${groupBy}, ${tag}`,
          `/api/stats/distribution?${q({ groupBy, interval: range.interval, bucketLatency: 'false' })}`,
        ]);
      }
      out.push([
        `end-users by requests, ${tag}`,
        `/api/stats/end-users?${q({ sort: 'requests', limit: '10' })}`,
      ]);
      if (filter.name === 'no filter')
        out.push([`end-users by spend, ${tag}`, `/api/stats/end-users?${q({ sort: 'cost', limit: '10' })}`]);
    }
  }
  return out;
}

interface Result {
  name: string;
  runs: number;
  p50Ms: number;
  maxMs: number;
  minMs: number;
  bytes: number;
}

async function measure(name: string, url: string): Promise<Result> {
  const headers = { authorization: `Bearer ${MASTER_KEY}` };
  let bytes = 0;
  for (let i = 0; i < 2; i++) {
    const warm = await fetch(url, { headers });
    const text = await warm.text();
    if (warm.status !== 200) throw new Error(`${name}: HTTP ${warm.status} ${text}`);
    bytes = text.length;
  }
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const res = await fetch(url, { headers });
    await res.arrayBuffer();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    name,
    runs: RUNS,
    p50Ms: round(times[Math.floor((times.length - 1) / 2)]),
    maxMs: round(times[times.length - 1]),
    minMs: round(times[0]),
    bytes,
  };
}

/**
 * The API as `npm start` runs it: compiled by tsc, which emits the decorator metadata Nest's injection
 * needs (tsx's esbuild does not).
 */
interface BuiltApi {
  createApp: typeof CreateApp;
  createLogger: typeof CreateLogger;
  RequestLogWriter: typeof RequestLogWriterClass;
}

function loadBuiltApi(): BuiltApi {
  const root = path.resolve(__dirname, '..');
  const build = spawnSync('npx', ['nx', 'run', 'api:build', '--outputStyle=static'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false' },
  });
  if (build.status !== 0) throw new Error('`nx run api:build` failed');
  const dist = (file: string): unknown => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the built output, loaded after building it
    return require(path.join(root, 'apps/api/dist', file));
  };
  return {
    createApp: (dist('bootstrap.js') as Pick<BuiltApi, 'createApp'>).createApp,
    createLogger: (dist('common/logger.js') as Pick<BuiltApi, 'createLogger'>).createLogger,
    RequestLogWriter: (dist('usage/request-log.writer.js') as Pick<BuiltApi, 'RequestLogWriter'>)
      .RequestLogWriter,
  };
}

/** Times the writer itself: rows handed over as the gateway does, until all are in the database. */
async function measureWriter(
  app: Awaited<ReturnType<typeof CreateApp>>,
  Writer: typeof RequestLogWriterClass,
  newest: number,
  rows: number,
) {
  const writer = app.get(Writer);
  const entries: RequestLogEntry[] = Array.from({ length: rows }, (_, i) => {
    const key = KEYS[i % KEYS.length];
    const dep = DEPLOYMENTS[i % DEPLOYMENTS.length];
    return {
      createdAt: new Date(newest - 3_600_000 + Math.floor((i * 3_600_000) / rows)),
      requestId: `bench-writer-${i}`,
      route: 'chat.completions',
      keyId: key.id,
      projectId: key.projectId,
      modelGroup: dep.group,
      deploymentId: dep.id,
      deploymentName: dep.name,
      attempts: [
        {
          deploymentId: dep.id,
          deploymentName: dep.name,
          modelGroup: dep.group,
          status: 200,
          errorKind: null,
          latencyMs: 640,
          startedAt: 0,
        },
      ],
      status: i % 50 === 0 ? 429 : 200,
      errorType: null,
      errorMessage: null,
      latencyMs: 200 + (i % 3000),
      ttftMs: null,
      gatewayMs: 1.1,
      promptTokens: 800,
      completionTokens: 200,
      totalTokens: 1000,
      costUsd: 0.004,
      stream: false,
      endUser: i % 10 < 7 ? `user-${(i * 7919) % END_USERS}` : null,
    };
  });
  const before = writer.stats().written;
  const started = performance.now();
  for (const e of entries) writer.enqueue(e);
  const enqueueMs = performance.now() - started;
  if (!(await writer.flush(120_000))) throw new Error('the writer did not drain in 120 s');
  const totalMs = performance.now() - started;
  return {
    rows: writer.stats().written - before,
    enqueueMicrosPerRow: Math.round((enqueueMs * 100_000) / rows) / 100,
    drainSeconds: Math.round(totalMs / 100) / 10,
    rowsPerSecond: Math.round((rows * 1000) / totalMs),
  };
}

async function main(): Promise<void> {
  console.log('Building the API…');
  const { createApp, createLogger, RequestLogWriter } = loadBuiltApi();
  const dataDir = args['data-dir']
    ? path.resolve(args['data-dir'])
    : await mkdtemp(path.join(tmpdir(), 'switchboard-bench-stats-'));
  const keep = args.keep || Boolean(args['data-dir']);
  console.log(`Embedded PostgreSQL in ${dataDir}`);
  const pg = await startEmbeddedPostgres({ dataDir, database: 'switchboard_bench' });
  const db = new Client({ connectionString: pg.connectionString });
  let app: Awaited<ReturnType<typeof CreateApp>> | null = null;
  try {
    await applyMigrations(pg.connectionString);
    await db.connect();
    const started = performance.now();
    const seeded = await seed(db, ROWS, RAW_ROWS);
    const seedSeconds = seeded ? Math.round((performance.now() - started) / 100) / 10 : null;
    if (seedSeconds !== null) console.log(`Seeded in ${seedSeconds} s`);
    const existing = Number((await db.query<{ n: string }>(`SELECT count(*) n FROM "RequestLog"`)).rows[0].n);
    const counted: number[] = [];
    for (const table of ROLLUPS) {
      const sum = await db.query<{ n: string }>(`SELECT COALESCE(sum(requests), 0) n FROM "${table}"`);
      counted.push(Number(sum.rows[0].n));
    }
    const represented = counted[2];
    if (counted.some((n) => n !== represented))
      throw new Error(`the rollups disagree: ${counted.join(' / ')} requests`);
    console.log(
      `${existing.toLocaleString('en')} request logs; the rollups count ${represented.toLocaleString('en')} requests`,
    );
    const sizes = await db.query<{ table: string; rows: string; size: string }>(
      `SELECT relname AS table, reltuples::bigint::text AS rows, pg_size_pretty(pg_total_relation_size(oid)) AS size
       FROM pg_class WHERE relname IN ('RequestLog', 'UsageRollup', 'UsageRollupHour', 'UsageRollupDay', 'EndUserRollupHour', 'EndUserRollupDay')
       ORDER BY relname`,
    );
    const newest = (await db.query<{ t: Date }>(`SELECT max("createdAt") t FROM "RequestLog"`)).rows[0].t;
    // "Now" is just after the newest row, so the ranges end where the data does.
    const now = newest.getTime() + 60_000;

    // The tests' configuration, as production would run it.
    const config: AppConfig = testConfig(pg.connectionString, {
      env: 'production',
      dataDir,
      masterKey: MASTER_KEY,
      encryptionKey: 'bench-encryption-key-0123456789abcdef012345',
      shutdownGraceMs: 1000,
      logFlushIntervalMs: 250,
      logQueueMax: 100_000,
      // Keep the seeded month whole while the bench runs (retention would start deleting its oldest minutes).
      logRetentionDays: 0,
    });
    app = await createApp(config, createLogger('error'));
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    const iso = (ms: number) => new Date(ms).toISOString();
    const day = { from: iso(now - DAY_MS), to: iso(now) };
    const q = (p: Record<string, string>) => new URLSearchParams(p).toString();
    const firstPage = (await (
      await fetch(`${base}/api/logs?${q({ limit: '50' })}`, {
        headers: { authorization: `Bearer ${MASTER_KEY}` },
      })
    ).json()) as { nextCursor: string };
    const scenarios: [string, string][] = [
      ...overviewScenarios(now),
      // What the console asked for before the Overview had a 24 h by minute view: kept for comparison.
      [
        'distribution 24h/minute by deployment',
        `/api/stats/distribution?${q({ ...day, interval: 'minute', groupBy: 'deployment' })}`,
      ],
      ['logs first page (no filter)', `/api/logs?${q({ limit: '50' })}`],
      ['logs second page (cursor)', `/api/logs?${q({ limit: '50', cursor: firstPage.nextCursor })}`],
      [
        'logs project + status=error',
        `/api/logs?${q({ limit: '50', projectId: PROJECTS[2].id, status: 'error' })}`,
      ],
      ['logs key + 24h', `/api/logs?${q({ limit: '50', keyId: KEYS[7].id, ...day })}`],
      [
        'logs deployment + status=429',
        `/api/logs?${q({ limit: '50', deploymentId: DEPLOYMENTS[4].id, status: '429' })}`,
      ],
      [
        'logs modelGroup, 10 days ago',
        `/api/logs?${q({ limit: '50', modelGroup: GROUPS[1], to: iso(now - 10 * DAY_MS) })}`,
      ],
    ];
    const results: Result[] = [];
    // Whether the Overview reads the raw log at all: RequestLog's scan counters around its queries (a
    // backend publishes its counters within 10 s of going idle).
    const overviewCount = overviewScenarios(now).length;
    const rawScans = async () => {
      await new Promise((r) => setTimeout(r, 11_000));
      const row = (
        await db.query<{ n: string }>(
          `SELECT (COALESCE(seq_scan, 0) + COALESCE(idx_scan, 0))::text n FROM pg_stat_user_tables WHERE relname = 'RequestLog'`,
        )
      ).rows[0];
      return Number(row?.n ?? 0);
    };
    const scansBefore = await rawScans();
    for (const [name, url] of scenarios.slice(0, overviewCount)) {
      results.push(await measure(name, `${base}${url}`));
    }
    const overviewRawScans = (await rawScans()) - scansBefore;
    console.log(`RequestLog scans during the Overview's queries: ${overviewRawScans}`);
    for (const [name, url] of scenarios.slice(overviewCount))
      results.push(await measure(name, `${base}${url}`));
    // Read the same way after the /api/logs pages, which do read RequestLog: a 0 here voids the one above.
    const logsRawScans = (await rawScans()) - scansBefore - overviewRawScans;
    console.log(`RequestLog scans during the /api/logs pages: ${logsRawScans}`);
    const slow = results.filter((r) => r.p50Ms > TARGET_MS);
    const writerResult = await measureWriter(app, RequestLogWriter, newest.getTime(), WRITER_ROWS);

    console.log('\nTables:');
    for (const s of sizes.rows)
      console.log(
        `  ${s.table.padEnd(16)} ${Number(s.rows).toLocaleString('en').padStart(12)} rows  ${s.size}`,
      );
    console.log(
      `\n${'scenario'.padEnd(60)} ${'p50 ms'.padStart(8)} ${'max ms'.padStart(8)} ${'bytes'.padStart(9)}`,
    );
    for (const r of results) {
      console.log(
        `${r.name.padEnd(60)} ${r.p50Ms.toFixed(1).padStart(8)} ${r.maxMs.toFixed(1).padStart(8)} ${String(r.bytes).padStart(9)}` +
          (r.p50Ms > TARGET_MS ? '  SLOW' : ''),
      );
    }
    console.log(
      slow.length === 0
        ? `\nEvery query answered within ${TARGET_MS} ms (p50).`
        : `\n${slow.length} of ${results.length} queries took over ${TARGET_MS} ms (p50): ${slow.map((r) => r.name).join('; ')}`,
    );
    console.log(
      `\nwriter: ${writerResult.rows.toLocaleString('en')} rows enqueued at ${writerResult.enqueueMicrosPerRow} µs/row, ` +
        `all written in ${writerResult.drainSeconds} s (${writerResult.rowsPerSecond.toLocaleString('en')} rows/s)`,
    );
    const report = {
      rows: existing,
      requestsInRollups: represented,
      overviewRawScans,
      logsRawScans,
      seedSeconds,
      runsPerScenario: RUNS,
      targetMs: TARGET_MS,
      tables: sizes.rows,
      results,
      slow: slow.map((r) => r.name),
      writer: writerResult,
      node: process.version,
      at: new Date().toISOString(),
    };
    console.log(`\n${JSON.stringify(report, null, 2)}`);
    const resultsDir = path.join(__dirname, 'results');
    await mkdir(resultsDir, { recursive: true });
    await writeFile(
      path.join(resultsDir, `stats-${report.at.replace(/[:.]/g, '-')}.json`),
      JSON.stringify(report, null, 2),
    );
  } finally {
    await app?.close();
    await db.end().catch(() => undefined);
    await pg.stop();
    if (!keep) await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
