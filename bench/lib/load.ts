/**
 * Load generators: autocannon (closed loop, max throughput or its own per-second rate limiter), an
 * evenly paced open-loop generator on undici (a true fixed arrival rate), and a streaming loop that
 * times the first SSE chunk. All latencies are recorded as float milliseconds (autocannon's own
 * histogram rounds to whole milliseconds, too coarse for a 1 ms budget).
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { round, roundSummary, type Summary, summarize } from './stats';

// autocannon ships no types; this is the part of its programmatic API used here.
interface AutocannonClient {
  on(event: 'request', cb: () => void): void;
}
interface AutocannonResult {
  start: Date | string;
  finish: Date | string;
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
  requests: { average: number; total: number };
}
interface AutocannonInstance {
  on(
    event: 'response',
    cb: (client: AutocannonClient, statusCode: number, resBytes: number, responseTime: number) => void,
  ): void;
  stop(): void;
}
type Autocannon = (
  opts: Record<string, unknown>,
  cb: (err: Error | null, result: AutocannonResult) => void,
) => AutocannonInstance;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Autocannon;

export interface Target {
  /** http://127.0.0.1:PORT */
  origin: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface LoadResult {
  title: string;
  /** Requests written to the wire (including the ones still in flight when the phase ended). */
  sent: number;
  /** Responses received, any status. */
  completed: number;
  statusCounts: Record<string, number>;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  durationS: number;
  /** Completed requests per second over the phase. */
  rps: number;
  /** Response latency in ms (send to last byte), every status. */
  latencyMs: Summary;
}

/**
 * autocannon against one target: as fast as it can (no `overallRate`) or with autocannon's rate limiter.
 * Bounded by `durationS` and by `maxRequests`; a watchdog stops it if it overruns.
 */
export function cannon(
  t: Target,
  opts: { title: string; connections: number; durationS: number; overallRate?: number; maxRequests: number },
): Promise<LoadResult> {
  let sent = 0;
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: t.origin + t.path,
        method: 'POST',
        headers: t.headers,
        body: t.body,
        connections: opts.connections,
        pipelining: 1,
        duration: opts.durationS,
        maxOverallRequests: Math.max(opts.maxRequests, opts.connections),
        overallRate: opts.overallRate,
        timeout: 10,
        setupClient: (client: AutocannonClient) => client.on('request', () => sent++),
      },
      (err, result) => {
        clearTimeout(watchdog);
        if (err) return reject(err);
        const statusCounts: Record<string, number> = {};
        let completed = 0;
        for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) {
          statusCounts[code] = Number(count);
          completed += Number(count);
        }
        const durationS = (new Date(result.finish).getTime() - new Date(result.start).getTime()) / 1000;
        resolve({
          title: opts.title,
          sent,
          completed,
          statusCounts,
          non2xx: result.non2xx,
          errors: result.errors,
          durationS: round(durationS),
          rps: round(completed / durationS, 1),
          latencyMs: roundSummary(summarize(latencies)),
        });
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
    const watchdog = setTimeout(() => instance.stop(), (opts.durationS + 15) * 1000);
  });
}

export interface PacedResult extends LoadResult {
  targetRate: number;
  /** How late requests left compared with their schedule (timer granularity of the generator). */
  sendLagMs: Summary;
  /** The gateway's own `x-switchboard-overhead-ms` header, when present. */
  overheadHeaderMs: Summary | null;
}

/**
 * Open loop at a fixed rate: request i leaves at t0 + i/rate whatever happened to the ones before
 * (no coordinated omission), over a pool large enough that nothing queues on the client side.
 */
export async function paced(
  t: Target,
  opts: { title: string; rate: number; durationS: number; connections: number },
): Promise<PacedResult> {
  const pool = new Pool(t.origin, { connections: opts.connections, pipelining: 1, keepAliveTimeout: 60_000 });
  const total = Math.round(opts.rate * opts.durationS);
  const interval = 1000 / opts.rate;
  const latencies: number[] = [];
  const lags: number[] = [];
  const overhead: number[] = [];
  const statusCounts: Record<string, number> = {};
  let errors = 0;
  let sent = 0;
  const pending = new Set<Promise<void>>();

  const fire = (scheduled: number) => {
    const start = performance.now();
    lags.push(start - scheduled);
    sent++;
    const p = pool
      .request({ path: t.path, method: 'POST', headers: t.headers, body: t.body })
      .then(async (res) => {
        const oh = res.headers['x-switchboard-overhead-ms'];
        await res.body.arrayBuffer();
        latencies.push(performance.now() - start);
        statusCounts[res.statusCode] = (statusCounts[res.statusCode] ?? 0) + 1;
        if (typeof oh === 'string' && oh !== '') overhead.push(Number(oh));
      })
      .catch(() => {
        errors++;
      })
      .finally(() => pending.delete(p));
    pending.add(p);
  };

  const t0 = performance.now() + 5;
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && t0 + next * interval <= now) {
        fire(t0 + next * interval);
        next++;
      }
      if (next >= total) return resolve();
      setTimeout(tick, Math.max(0, t0 + next * interval - performance.now() - 0.2));
    };
    tick();
  });
  const sentAt = performance.now();
  // Bounded wait for the last answers.
  await Promise.race([Promise.all(pending), new Promise((r) => setTimeout(r, 15_000))]);
  const durationS = (sentAt - t0) / 1000 + interval / 1000;
  await pool.close().catch(() => undefined);
  const completed = Object.values(statusCounts).reduce((a, b) => a + b, 0);
  return {
    title: opts.title,
    targetRate: opts.rate,
    sent,
    completed,
    statusCounts,
    non2xx: Object.entries(statusCounts)
      .filter(([code]) => !code.startsWith('2'))
      .reduce((a, [, n]) => a + n, 0),
    errors,
    durationS: round(durationS),
    rps: round(completed / durationS, 1),
    latencyMs: roundSummary(summarize(latencies)),
    sendLagMs: roundSummary(summarize(lags)),
    overheadHeaderMs: overhead.length ? roundSummary(summarize(overhead)) : null,
  };
}

export interface StreamResult {
  title: string;
  sent: number;
  completed: number;
  statusCounts: Record<string, number>;
  errors: number;
  /** Request start to the response headers. */
  headersMs: Summary;
  /** Request start to the first `data:` frame (the "first streamed chunk"). */
  firstChunkMs: Summary;
  /** Request start to the first frame with non-empty `delta.content` (the model's first token). */
  firstTokenMs: Summary;
  /** Request start to the end of the stream. */
  totalMs: Summary;
  /** Streams that ended without `data: [DONE]`. */
  incomplete: number;
}

/** `total` streamed requests, `concurrency` at a time; times the first chunk of each. */
export async function streams(
  t: Target,
  opts: { title: string; total: number; concurrency: number; timeoutMs: number },
): Promise<StreamResult> {
  const pool = new Pool(t.origin, { connections: opts.concurrency, pipelining: 1, keepAliveTimeout: 60_000 });
  const headersMs: number[] = [];
  const firstChunk: number[] = [];
  const firstToken: number[] = [];
  const totalMs: number[] = [];
  const statusCounts: Record<string, number> = {};
  let errors = 0;
  let sent = 0;
  let incomplete = 0;
  const deadline = performance.now() + opts.timeoutMs;

  const one = async () => {
    const start = performance.now();
    sent++;
    const res = await pool.request({
      path: t.path,
      method: 'POST',
      headers: t.headers,
      body: t.body,
      bodyTimeout: 30_000,
      headersTimeout: 30_000,
    });
    headersMs.push(performance.now() - start);
    statusCounts[res.statusCode] = (statusCounts[res.statusCode] ?? 0) + 1;
    let buf = '';
    let gotChunk = false;
    let gotToken = false;
    let done = false;
    for await (const chunk of res.body) {
      const now = performance.now();
      buf += (chunk as Buffer).toString('utf8');
      if (!gotChunk && buf.includes('data:')) {
        gotChunk = true;
        firstChunk.push(now - start);
      }
      let sep: number;
      while ((sep = buf.indexOf('\n\n')) >= 0) {
        const event = buf.slice(0, sep);
        buf = buf.slice(sep + 2);
        for (const line of event.split('\n')) {
          if (!line.startsWith('data:')) continue;
          const data = line.slice(5).trim();
          if (data === '[DONE]') {
            done = true;
            continue;
          }
          if (gotToken) continue;
          try {
            const obj = JSON.parse(data) as { choices?: { delta?: { content?: unknown } }[] };
            const content = obj.choices?.[0]?.delta?.content;
            if (typeof content === 'string' && content.length > 0) {
              gotToken = true;
              firstToken.push(now - start);
            }
          } catch {
            // not JSON: not a token
          }
        }
      }
    }
    totalMs.push(performance.now() - start);
    if (!done) incomplete++;
  };

  let issued = 0;
  const worker = async () => {
    while (issued < opts.total && performance.now() < deadline) {
      issued++;
      await one().catch(() => {
        errors++;
      });
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, () => worker()));
  await pool.close().catch(() => undefined);
  const completed = Object.values(statusCounts).reduce((a, b) => a + b, 0);
  return {
    title: opts.title,
    sent,
    completed,
    statusCounts,
    errors,
    headersMs: roundSummary(summarize(headersMs)),
    firstChunkMs: roundSummary(summarize(firstChunk)),
    firstTokenMs: roundSummary(summarize(firstToken)),
    totalMs: roundSummary(summarize(totalMs)),
    incomplete,
  };
}
