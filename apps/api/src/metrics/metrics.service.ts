import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RequestLogEntry } from '../usage/request-log-entry';
import { Router } from '../routing/router';
import { RouterRegistry } from '../routing/router-registry';

export interface LogWriterStats {
  queued: number;
  written: number;
  dropped: number;
  failedFlushes: number;
  deadLettered: number;
}

const DURATION_BUCKETS_S = [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 30, 60, 120];
const TTFT_BUCKETS_S = [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30];

/** A counter that mirrors a running total kept elsewhere, read at scrape time. */
function mirrorCounter(registry: Registry, name: string, help: string, read: () => number | null): Counter {
  return new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      const value = read();
      if (value === null) return;
      this.reset();
      this.inc(value);
    },
  });
}

/**
 * Prometheus metrics in a registry of this app's own (not prom-client's global one, so several apps can
 * live in one process). Labels are bounded: model groups the router knows, deployment names, status
 * codes and error kinds; never key or project ids.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private inFlight = 0;
  private logWriter: (() => LogWriterStats) | null = null;
  private databaseProbe: (() => Promise<boolean>) | null = null;
  private redisProbe: (() => boolean) | null = null;
  private readonly requests: Counter<'model_group' | 'deployment' | 'status'>;
  private readonly duration: Histogram<'model_group' | 'deployment'>;
  private readonly ttft: Histogram<'model_group' | 'deployment'>;
  private readonly attempts: Counter<'deployment' | 'outcome'>;
  private readonly refused: Counter<'route' | 'status' | 'reason'>;
  private readonly probes: Counter<'deployment' | 'outcome'>;

  constructor(
    private readonly routes: RouterRegistry,
    router: Router,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'switchboard_requests_total',
      help: 'Client requests on the data plane, by model group, final deployment and HTTP status.',
      labelNames: ['model_group', 'deployment', 'status'],
      registers,
    });
    this.refused = new Counter({
      name: 'switchboard_refused_requests_total',
      help: 'Data-plane requests refused before any key was recognised (not in the request log), by route, status and reason.',
      labelNames: ['route', 'status', 'reason'],
      registers,
    });
    this.duration = new Histogram({
      name: 'switchboard_request_duration_seconds',
      help: 'Time from receiving a client request to its last byte.',
      labelNames: ['model_group', 'deployment'],
      buckets: DURATION_BUCKETS_S,
      registers,
    });
    this.ttft = new Histogram({
      name: 'switchboard_time_to_first_token_seconds',
      help: 'Time from receiving a streaming request to its first token.',
      labelNames: ['model_group', 'deployment'],
      buckets: TTFT_BUCKETS_S,
      registers,
    });
    this.attempts = new Counter({
      name: 'switchboard_upstream_attempts_total',
      help: 'Calls to upstream deployments (retries and fallbacks included), by outcome: success or the error kind.',
      labelNames: ['deployment', 'outcome'],
      registers,
    });
    this.probes = new Counter({
      name: 'switchboard_deployment_probes_total',
      help: 'Background health checks of deployments (this instance), by outcome: success or the error kind.',
      labelNames: ['deployment', 'outcome'],
      registers,
    });
    // collect() runs with `this` bound to the metric; these read the service's state.
    const inFlight = () => Math.max(0, this.inFlight);
    const writerStats = () => this.logWriter?.() ?? null;
    const deployments = () => this.routes.current().deployments.values();
    new Gauge({
      name: 'switchboard_in_flight_requests',
      help: 'Client requests being served right now.',
      registers,
      collect() {
        this.set(inFlight());
      },
    });
    new Gauge({
      name: 'switchboard_deployment_cooldown',
      help: '1 while a deployment is cooling down after failures, else 0.',
      labelNames: ['deployment'],
      registers,
      collect() {
        this.reset();
        for (const d of deployments()) {
          const state = router.deploymentState(d.id);
          this.set({ deployment: d.name }, state && !state.healthy ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: 'switchboard_log_queue_depth',
      help: 'Request-log rows waiting in memory to be written.',
      registers,
      collect() {
        const stats = writerStats();
        if (stats) this.set(stats.queued);
      },
    });
    const databaseProbe = () => this.databaseProbe?.() ?? Promise.resolve(null);
    new Gauge({
      name: 'switchboard_database_up',
      help: '1 when the database answers, else 0 (the data plane keeps serving without it).',
      registers,
      async collect() {
        const up = await databaseProbe();
        if (up !== null) this.set(up ? 1 : 0);
      },
    });
    const redisProbe = () => this.redisProbe?.() ?? null;
    new Gauge({
      name: 'switchboard_redis_up',
      help: '1 while the shared Redis answers, 0 while this instance runs on its own counters (only with REDIS_URL).',
      registers,
      collect() {
        const up = redisProbe();
        if (up !== null) this.set(up ? 1 : 0);
      },
    });
    const writerStat = (pick: (s: LogWriterStats) => number) => () => {
      const stats = writerStats();
      return stats ? pick(stats) : null;
    };
    mirrorCounter(
      this.registry,
      'switchboard_log_rows_written_total',
      'Request-log rows written to the database.',
      writerStat((s) => s.written),
    );
    mirrorCounter(
      this.registry,
      'switchboard_log_rows_dropped_total',
      'Request-log rows dropped because the in-memory queue was full (database away for long).',
      writerStat((s) => s.dropped),
    );
    mirrorCounter(
      this.registry,
      'switchboard_request_log_dead_lettered_total',
      'Request-log rows set aside in the dead-letter file under DATA_DIR (refused by the database, or unwritten at shutdown).',
      writerStat((s) => s.deadLettered),
    );
    mirrorCounter(
      this.registry,
      'switchboard_log_flush_failures_total',
      'Failed request-log batch writes (each is retried).',
      writerStat((s) => s.failedFlushes),
    );
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Prometheus text exposition of every metric. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  /** The request-log writer reports its queue through this. */
  watchLogWriter(stats: () => LogWriterStats): void {
    this.logWriter = stats;
  }

  /** The health service reports whether the database answers through this (probed at scrape time). */
  watchDatabase(probe: () => Promise<boolean>): void {
    this.databaseProbe = probe;
  }

  /** Whether the shared Redis is usable (only called with REDIS_URL). */
  watchRedis(probe: () => boolean): void {
    this.redisProbe = probe;
  }

  /** Call once when a data-plane request starts (before auth), paired with exactly one requestFinished. */
  requestStarted(): void {
    this.inFlight++;
  }

  /** A request refused before any key was recognised (counted, not logged). */
  requestRefused(route: string, status: number, reason: string): void {
    this.refused.labels({ route, status: String(status), reason }).inc();
  }

  /** A background health check of a deployment ended (`success`, or the error kind). */
  probeFinished(deployment: string, outcome: string): void {
    this.probes.labels({ deployment, outcome }).inc();
  }

  /** Call once when a request has ended, with the row handed to the request-log sink. */
  requestFinished(entry: RequestLogEntry): void {
    this.inFlight--;
    // A client can send any model name: only names the router knows become label values.
    const group = this.routes.getGroup(entry.modelGroup) ? entry.modelGroup : 'unknown';
    const deployment = entry.deploymentName ?? 'none';
    const status = String(entry.status);
    // Label children are cached: prom-client hashes label objects on every call otherwise.
    this.child(this.requestChildren, `${group}\u0000${deployment}\u0000${status}`, () =>
      this.requests.labels({ model_group: group, deployment, status }),
    ).inc();
    const timings = this.child(this.timingChildren, `${group}\u0000${deployment}`, () => ({
      duration: this.duration.labels({ model_group: group, deployment }),
      ttft: this.ttft.labels({ model_group: group, deployment }),
    }));
    timings.duration.observe(entry.latencyMs / 1000);
    if (entry.ttftMs !== null) timings.ttft.observe(entry.ttftMs / 1000);
    for (const a of entry.attempts) {
      const outcome = a.status > 0 && a.status < 400 ? 'success' : (a.errorKind ?? 'error');
      this.child(this.attemptChildren, `${a.deploymentName}\u0000${outcome}`, () =>
        this.attempts.labels({ deployment: a.deploymentName, outcome }),
      ).inc();
    }
  }

  private readonly requestChildren = new Map<string, { inc(): void }>();
  private readonly timingChildren = new Map<
    string,
    { duration: { observe(v: number): void }; ttft: { observe(v: number): void } }
  >();
  private readonly attemptChildren = new Map<string, { inc(): void }>();

  private child<T>(cache: Map<string, T>, key: string, make: () => T): T {
    let c = cache.get(key);
    if (c === undefined) {
      // Bounded: label values are already limited to known groups and deployments.
      if (cache.size >= 5000) cache.clear();
      c = make();
      cache.set(key, c);
    }
    return c;
  }
}
