import fc from 'fast-check';
import http from 'node:http';
import { type FakeUpstream, startFakeUpstream } from '../../../fake-upstream/src';
import {
  createRecordingTestApp,
  isDataPlaneRoute,
  type RegisteredRoute,
} from '../openapi/testing/registered-routes';
import { seedRouting } from './seed';
import { TEST_MASTER_KEY, type TestApp } from './test-app';

/**
 * Property-based fuzzing of every registered route of one real app (real PostgreSQL, real router, a
 * healthy fake upstream): junk bodies, headers, ids and query strings must never earn a 5xx or crash the
 * process, and every error answers in its surface's shape. `FUZZ_SEED=<n>` replays a printed failure.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261205);
const RUNS_PER_SURFACE = Number(process.env.FUZZ_RUNS ?? 300);
const MODEL = 'fuzz-model';
/** The fake upstream has no audio endpoints: audio routes get a group of their own so its cooldowns stay apart. */
const AUDIO_MODEL = 'fuzz-audio';

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

interface Sent {
  method: string;
  path: string;
  headers: string[];
  body: Buffer | null;
}

/** Raw node:http so duplicate headers, lying content types and odd bytes go out exactly as generated. */
function send(port: number, req: Sent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // Raw header arrays skip Node's defaults: Host and Content-Length go in by hand.
    const headers = [
      'host',
      `127.0.0.1:${port}`,
      ...(req.body ? ['content-length', String(req.body.length)] : []),
      ...req.headers,
    ];
    const r = http.request(
      { host: '127.0.0.1', port, method: req.method, path: req.path, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    r.setTimeout(10_000, () => r.destroy(new Error('no answer within 10 s')));
    r.end(req.body ?? undefined);
  });
}

// ---------- generators ----------

const nasty = fc.constantFrom(
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00y',
  '\udbff\udfff',
  '\uffff',
  '\u202e',
  '%00',
  '../../etc/passwd',
  '\'; DROP TABLE "Project"; --',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'x'.repeat(70_000),
  '',
  ' ',
);
const junkString = fc.oneof(
  { weight: 3, arbitrary: nasty },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
);
const junkNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(1e308, -1e308, 2 ** 53 + 1, -0, 0.1, 1e-320),
);
const junkScalar = fc.oneof(junkString, junkNumber, fc.boolean(), fc.constant(null));
const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: junkScalar },
  { weight: 1, arbitrary: fc.array(junkScalar, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.dictionary(junkString, junkScalar, { maxKeys: 4 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
);

/** Nested JSON as raw text (never built as an object: that is what overflowed the gateway). */
const deepJson = fc
  .record({ depth: fc.constantFrom(200, 1_000, 10_000, 50_000), kind: fc.constantFrom('array', 'object') })
  .map(({ depth, kind }) =>
    kind === 'array'
      ? '['.repeat(depth) + ']'.repeat(depth)
      : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
  );

/** Plausible bodies per route, so junk reaches validation, routing and the database, not just the parser. */
const BASES: Record<string, Record<string, unknown>> = {
  'chat/completions': { model: MODEL, messages: [{ role: 'user', content: 'hi' }] },
  completions: { model: MODEL, prompt: 'hi' },
  embeddings: { model: MODEL, input: 'hi' },
  rerank: { model: MODEL, query: 'q', documents: ['a', 'b'] },
  'audio/speech': { model: AUDIO_MODEL, input: 'hi', voice: 'alloy' },
};
const ADMIN_FIELDS = [
  'name',
  'description',
  'projectId',
  'modelGroup',
  'modelGroupId',
  'model',
  'provider',
  'apiBase',
  'apiKey',
  'weight',
  'priority',
  'strategy',
  'fallbacks',
  'capabilities',
  'maxCooldownSeconds',
  'budgetUsd',
  'expiresAt',
  'yaml',
  'username',
  'password',
  'enabled',
];
const KNOWN_FIELDS = [
  'model',
  'messages',
  'prompt',
  'input',
  'stream',
  'max_tokens',
  'temperature',
  'user',
  'n',
];

function baseFor(url: string): Record<string, unknown> {
  const key = Object.keys(BASES).find((k) => url.endsWith(`/${k}`));
  if (key) return BASES[key]!;
  return {
    name: 'fuzz',
    modelGroup: MODEL,
    model: MODEL,
    provider: 'openai-compatible',
    apiBase: 'http://127.0.0.1:9/v1',
  };
}

/** A body as bytes (or null), given the route's plausible base. */
function bodyFor(url: string): fc.Arbitrary<{ body: Buffer | null; json: boolean }> {
  const base = baseFor(url);
  const fields = url.startsWith('/api') ? ADMIN_FIELDS : KNOWN_FIELDS;
  const text = (s: string) => ({ body: Buffer.from(s, 'utf8'), json: true });
  return fc.oneof(
    // One field of a plausible body replaced by junk.
    {
      weight: 5,
      arbitrary: fc
        .tuple(fc.constantFrom(...fields), junkValue)
        .map(([k, v]) => text(JSON.stringify({ ...base, [k]: v }))),
    },
    // A plausible body with something very deep in it (reaches the re-serialisation).
    { weight: 2, arbitrary: deepJson.map((d) => text(JSON.stringify(base).slice(0, -1) + `,"extra":${d}}`)) },
    { weight: 1, arbitrary: deepJson.map(text) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 6 }).map((v) => text(JSON.stringify(v) ?? 'null')) },
    // Lone surrogates / NUL as JSON escapes (JSON.stringify writes them escaped too; this is the raw form).
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          '{"name":"\\u0000"}',
          '{"name":"\\ud800"}',
          `{"model":"${MODEL}","messages":[{"role":"user","content":"\\ud800\\u0000"}]}`,
        )
        .map(text),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          '{"max_tokens":1e400}',
          '{"a":-0,"b":1e-400}',
          '{',
          'null',
          '""',
          '[]',
          '{"a":1,"a":2}',
          '\ufeff{}',
        )
        .map(text),
    },
    // Not JSON at all.
    {
      weight: 1,
      arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => ({ body: Buffer.from(b), json: false })),
    },
    { weight: 1, arbitrary: fc.constant({ body: null, json: false }) },
  );
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A path segment: URL-encoded junk, or raw percent sequences that decode to NUL / invalid UTF-8. */
const pathSegment = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '%00',
      'a%00b',
      '%ED%A0%80',
      '%C0%80',
      '%FF',
      '%',
      '%zz',
      '3f2b8c1e-5d4a-4b6f-9e7d-0a1b2c3d4e5f',
      'x'.repeat(2000),
      '..',
      '%2F',
    ),
  },
  {
    weight: 2,
    arbitrary: junkString
      .filter((s) => s.length < 500)
      .map((s) => encodeURIComponent(s.replace(LONE_SURROGATE, '\ufffd'))),
  },
  { weight: 1, arbitrary: fc.uuid() },
);
const queryString = fc.oneof(
  fc.constant(''),
  fc
    .array(
      fc.tuple(
        fc.constantFrom(
          'limit',
          'offset',
          'page',
          'cursor',
          'from',
          'to',
          'projectId',
          'model',
          'status',
          'q',
          'limit[]',
        ),
        fc.oneof(pathSegment, fc.constantFrom('-1', '1e309', 'NaN', '99999999999999999999', '0x10', '')),
      ),
      { minLength: 1, maxLength: 4 },
    )
    .map((pairs) => '?' + pairs.map(([k, v]) => `${k}=${v}`).join('&')),
);

const headerText = fc.string({
  unit: fc
    .integer({ min: 0x20, max: 0xff })
    .filter((c) => c !== 0x7f)
    .map((c) => String.fromCharCode(c)),
  maxLength: 60,
});
const contentTypeLie = fc.constantFrom(
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'multipart/form-data',
  'application/json, text/plain',
  'application/vnd.api+json',
  '',
  'x'.repeat(3000),
);
const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  { weight: 4, arbitrary: contentTypeLie },
);
const auth = fc.oneof(
  { weight: 6, arbitrary: fc.constant(['authorization', `Bearer ${TEST_MASTER_KEY}`]) },
  { weight: 1, arbitrary: fc.constant([] as string[]) },
  {
    weight: 1,
    arbitrary: fc.constant([
      'authorization',
      `Bearer ${TEST_MASTER_KEY}`,
      'authorization',
      'Bearer sk-other',
    ]),
  },
  { weight: 1, arbitrary: fc.constant(['x-api-key', TEST_MASTER_KEY, 'api-key', 'junk']) },
  { weight: 1, arbitrary: headerText.map((v) => ['authorization', v]) },
  { weight: 1, arbitrary: fc.constant(['authorization', `Bearer ${'k'.repeat(8000)}`]) },
);
const extraHeaders = fc.array(
  fc.tuple(
    fc.constantFrom(
      'x-request-id',
      'accept',
      'accept-encoding',
      'x-forwarded-for',
      'cookie',
      'content-encoding',
      'x-switchboard-project',
    ),
    headerText,
  ),
  { maxLength: 3 },
);

function requestFor(routes: readonly RegisteredRoute[]): fc.Arbitrary<Sent> {
  return fc.constantFrom(...routes).chain((route) =>
    fc
      .record({
        segments: fc.array(pathSegment, { minLength: 4, maxLength: 4 }),
        query: queryString,
        payload: bodyFor(route.url),
        ct: contentType,
        auth,
        extra: extraHeaders,
      })
      .map(({ segments, query, payload, ct, auth: authHeader, extra }) => {
        let i = 0;
        const path = route.url.replace(/:[A-Za-z0-9_]+/g, () => segments[i++ % segments.length]!) + query;
        const headers: string[] = [...authHeader];
        const hasBody = payload.body !== null && route.method !== 'GET' && route.method !== 'HEAD';
        if (hasBody) headers.push('content-type', ct || (payload.json ? 'application/json' : ''));
        for (const [k, v] of extra) headers.push(k, v);
        return { method: route.method, path, headers, body: hasBody ? payload.body : null };
      }),
  );
}

function describeSent(req: Sent): string {
  const body = req.body ? req.body.toString('utf8') : '';
  return `${req.method} ${req.path.slice(0, 200)} headers=${JSON.stringify(req.headers).slice(0, 300)} body=${JSON.stringify(body.slice(0, 300))}${body.length > 300 ? `…(${body.length} bytes)` : ''}`;
}

/** `FUZZ_VERBOSE=1`: prints how many answers each route/status got, to see what the junk reaches. */
const TALLY = new Map<string, number>();
function tally(req: Sent, res: Answer): void {
  if (!process.env.FUZZ_VERBOSE) return;
  const key = `${req.method} ${req.path.split('?')[0]!.slice(0, 40)} -> ${res.status} ${res.body.slice(0, 60)}`;
  TALLY.set(key, (TALLY.get(key) ?? 0) + 1);
}

/**
 * The status and body checks shared by both surfaces; `shape` checks the error envelope. `upstream5xx`:
 * the documented 502/503/504 of the upstream path are allowed (audio: the fake upstream has no such route).
 */
function check(
  req: Sent,
  res: Answer,
  shape: (err: Record<string, unknown>) => boolean,
  upstream5xx = false,
): void {
  tally(req, res);
  const where = `${describeSent(req)} -> ${res.status} ${res.body.slice(0, 300)}`;
  const documented = upstream5xx && [502, 503, 504].includes(res.status);
  if (res.status >= 500 && !documented) throw new Error(`5xx: ${where}`);
  if (res.status < 400 || res.status === 431 || !res.body) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(res.body);
  } catch {
    throw new Error(`error body is not JSON: ${where}`);
  }
  const err = (parsed as { error?: unknown }).error;
  if (typeof err !== 'object' || err === null || !shape(err as Record<string, unknown>))
    throw new Error(`wrong error shape: ${where}`);
  if (/\n\s+at /.test(res.body)) throw new Error(`stack trace in answer: ${where}`);
}

describe('fuzzing every route (real app, real PostgreSQL, healthy fake upstream)', () => {
  let t: TestApp;
  let routes: RegisteredRoute[];
  let upstream: FakeUpstream;
  let port: number;

  beforeAll(async () => {
    ({ t, routes } = await createRecordingTestApp());
    port = Number(new URL(t.url).port);
    upstream = await startFakeUpstream({ name: 'fuzz' });
    await seedRouting(t, [
      { name: 'fuzz-0', modelGroup: MODEL, apiBase: upstream.url },
      { name: 'fuzz-audio-0', modelGroup: AUDIO_MODEL, apiBase: upstream.url },
    ]);
  });
  afterAll(async () => {
    if (TALLY.size)
      console.log(
        [...TALLY]
          .sort()
          .map(([k, n]) => `${n} ${k}`)
          .join('\n'),
      );
    await t?.close();
    await upstream?.close();
  });

  const alive = async () => {
    const res = await send(port, { method: 'GET', path: '/health/liveliness', headers: [], body: null });
    expect(res.status).toBe(200);
  };

  it('data plane: no 5xx, no crash, OpenAI error shape', async () => {
    const data = routes.filter((r) => r.method !== 'HEAD' && isDataPlaneRoute(r.url, routes));
    expect(data.length).toBeGreaterThanOrEqual(14);
    await fc.assert(
      fc.asyncProperty(requestFor(data), async (req) => {
        const res = await send(port, req);
        const audio = /^\/(?:v1\/)?audio\//.test(req.path);
        check(req, res, (e) => typeof e.type === 'string' && typeof e.message === 'string', audio);
      }),
      { numRuns: RUNS_PER_SURFACE, seed: SEED, endOnFailure: true },
    );
    await alive();
  }, 60_000);

  it('admin API: no 5xx, no crash, admin error shape', async () => {
    const admin = routes.filter((r) => r.method !== 'HEAD' && !isDataPlaneRoute(r.url, routes));
    expect(admin.length).toBeGreaterThan(20);
    await fc.assert(
      fc.asyncProperty(requestFor(admin), async (req) => {
        check(req, await send(port, req), (e) => typeof e.code === 'string' && typeof e.message === 'string');
      }),
      { numRuns: RUNS_PER_SURFACE, seed: SEED, endOnFailure: true },
    );
    await alive();
  }, 60_000);
});
