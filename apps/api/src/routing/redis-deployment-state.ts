import { randomUUID } from 'node:crypto';
import type { Clock } from '../common/clock';
import type { SharedRedis } from '../redis/shared-redis';
import type { ScriptOp } from '../redis/shared-scripts';
import {
  type CooldownPolicy,
  cooldownMsOf,
  type DeploymentStateOptions,
  failureCategory,
  InMemoryDeploymentState,
  type SharedDeploymentView,
  type UpstreamLimits,
} from './deployment-state';
import type { AttemptError, CooldownReason, ProbeResult } from './routing.types';
import { SharedCooldowns } from './shared-cooldowns';
import { USAGE_WINDOW_MS, type UsageWindow } from './usage-counters';

/**
 * Counts a failure in the deployment's shared window and answers how many there are. K: the window's sorted
 * set. A: now, window length, a unique member.
 */
const COUNT_FAILURE: ScriptOp = {
  name: 'deployment_failure',
  keys: 1,
  lua: `
local now, window = tonumber(A[1]), tonumber(A[2])
redis.call('ZREMRANGEBYSCORE', K[1], '-inf', now - window)
redis.call('ZADD', K[1], now, A[3])
redis.call('PEXPIRE', K[1], window)
return redis.call('ZCARD', K[1])`,
};

/** One instance's numbers for one deployment, as it publishes them. */
type Published = [
  inFlight: number,
  rpm: number,
  tpm: number,
  latencyMs: number | null,
  ttftMs: number | null,
  sampledAt: number,
  lastError: string | null,
  lastErrorAt: number,
  upstream: UpstreamLimits | null,
  lastSuccessAt: number,
  lastProbe: ProbeResult | null,
];

interface Snapshot {
  /** When it was published (epoch ms): older than three periods means the instance is gone. */
  at: number;
  /** The minute its rpm/tpm counts belong to. */
  window: number;
  d: Record<string, Published>;
}

export interface RedisDeploymentStateOptions extends DeploymentStateOptions {
  /** How often each instance publishes its numbers and reads the others' (default 1 s). */
  syncMs?: number;
  /** This instance's own requests and tokens per deployment this minute (what it adds to the total). */
  ownUsage?: (id: string, nowMs: number) => UsageWindow;
  /** Told every instance's requests and tokens this minute, per deployment, after each exchange. */
  onTotals?: (id: string, nowMs: number, totals: UsageWindow) => void;
}

/**
 * Deployment state shared by every instance through Redis (REDIS_URL), on top of this instance's own:
 * - cooldowns: pub/sub plus a hash of those running (SharedCooldowns), so one instance's bench is every
 *   instance's within milliseconds;
 * - failure counts: each tolerated failure is counted in a shared window (one script operation, sent without
 *   waiting), and the failure that passes `allowedFails` across all instances cools the deployment down;
 * - requests in flight, latency samples, the upstream's last `x-ratelimit-*` report, the last error and
 *   each instance's rpm/tpm: every instance publishes its numbers every `syncMs` and reads the others'.
 *   `least-busy` counts every instance's requests in flight, `lowest-latency` and the upstream headroom use
 *   the newest sample or report of any instance, and the console shows the same totals whichever instance
 *   answers (all read the same published numbers), at most `syncMs` old.
 * Reads stay local and synchronous; with Redis away, each instance keeps its own state until it returns.
 */
export class RedisDeploymentState extends InMemoryDeploymentState {
  private readonly cooldowns: SharedCooldowns;
  private readonly syncMs: number;
  private readonly ownUsage: (id: string, nowMs: number) => UsageWindow;
  private readonly onTotals: RedisDeploymentStateOptions['onTotals'];
  /** Requests in flight on the other instances, per deployment. */
  private othersInFlight = new Map<string, number>();
  /** Every instance's numbers together (the console's view), per deployment. */
  private totals = new Map<string, SharedDeploymentView>();
  private totalsWindow = -1;
  private timer: NodeJS.Timeout | null = null;
  private syncing: Promise<void> | null = null;

  constructor(
    private readonly redis: SharedRedis,
    private readonly clock: Clock,
    options: RedisDeploymentStateOptions = {},
  ) {
    super(options);
    this.syncMs = options.syncMs ?? 1_000;
    this.ownUsage = options.ownUsage ?? (() => ({ rpm: 0, tpm: 0 }));
    this.onTotals = options.onTotals;
    this.cooldowns = new SharedCooldowns(redis, this, clock);
  }

  async start(): Promise<void> {
    await this.cooldowns.start();
    await this.sync();
    this.timer = setInterval(() => void this.sync(), this.syncMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  override inFlight(id: string): number {
    return super.inFlight(id) + (this.othersInFlight.get(id) ?? 0);
  }

  override shared(id: string, nowMs: number): SharedDeploymentView | null {
    if (Math.floor(nowMs / USAGE_WINDOW_MS) !== this.totalsWindow) return null;
    return this.totals.get(id) ?? null;
  }

  override recordFailure(
    id: string,
    error: AttemptError,
    nowMs: number,
    policy: CooldownPolicy,
  ): CooldownReason | null {
    const reason = super.recordFailure(id, error, nowMs, policy);
    // Tolerated here; maybe not by every instance together.
    if (reason === null && !error.cooldown && failureCategory(error) === 'failures' && this.redis.usable) {
      this.redis.scripts
        .run<number>(
          COUNT_FAILURE,
          [this.redis.key('deployment', id, 'failures')],
          [nowMs, this.failureWindowMs, randomUUID()],
        )
        .then((count) => {
          if (count > Math.max(0, policy.allowedFails) && this.states.has(id))
            this.coolDown(id, this.state(id), 'failures', nowMs + cooldownMsOf(policy));
        })
        .catch((error: unknown) => this.redis.failed(error));
    }
    return reason;
  }

  /** A bench lifted here also forgets the failures counted together, so one new failure does not re-bench. */
  override reset(id: string): void {
    super.reset(id);
    if (this.redis.usable)
      this.redis.client.del(this.redis.key('deployment', id, 'failures')).catch(() => undefined);
  }

  /**
   * Takes the right to probe the deployment for `ms` (one instance probes per interval): true when this
   * instance got it, or when Redis is away (each instance then probes on its own).
   */
  override async claimProbe(id: string, ms: number): Promise<boolean> {
    if (!this.redis.usable) return true;
    try {
      const got = await this.redis.client.set(
        this.redis.key('deployment', id, 'probe'),
        this.redis.instanceId,
        'PX',
        Math.max(1, Math.round(ms)),
        'NX',
      );
      return got === 'OK';
    } catch (error) {
      this.redis.failed(error);
      return true;
    }
  }

  /** Publishes this instance's numbers and reads every instance's (each `syncMs`; tests call it directly). */
  sync(): Promise<void> {
    this.syncing ??= this.exchange().finally(() => (this.syncing = null));
    return this.syncing;
  }

  private async exchange(): Promise<void> {
    if (!this.redis.usable) {
      // What the others published is stale now: this instance's own numbers until Redis is back.
      this.othersInFlight = new Map();
      this.totals = new Map();
      this.totalsWindow = -1;
      return;
    }
    const hash = this.redis.key('deployments', 'live');
    const now = this.clock.now();
    const mine = JSON.stringify(this.snapshot(now));
    let all: Record<string, string>;
    try {
      const replies = await this.redis.client
        .multi()
        .hset(hash, this.redis.instanceId, mine)
        .pexpire(hash, this.syncMs * 10)
        .hgetall(hash)
        .exec();
      all = (replies?.[2]?.[1] ?? {}) as Record<string, string>;
    } catch (error) {
      this.redis.failed(error);
      return;
    }
    this.merge(all, now, hash);
  }

  private snapshot(now: number): Snapshot {
    const d: Record<string, Published> = {};
    for (const [id, s] of this.states) {
      const used = this.ownUsage(id, now);
      d[id] = [
        s.inFlight,
        used.rpm,
        used.tpm,
        s.latencyMs,
        s.ttftMs,
        s.sampledAt,
        s.lastError,
        s.lastErrorAt,
        s.upstream,
        s.lastSuccessAt,
        s.lastProbe,
      ];
    }
    return { at: now, window: Math.floor(now / USAGE_WINDOW_MS), d };
  }

  private merge(all: Record<string, string>, now: number, hash: string): void {
    const window = Math.floor(now / USAGE_WINDOW_MS);
    const others = new Map<string, number>();
    const totals = new Map<string, SharedDeploymentView & { sampledAt: number }>();
    const gone: string[] = [];
    for (const [instance, text] of Object.entries(all)) {
      let snap: Snapshot;
      try {
        snap = JSON.parse(text) as Snapshot;
      } catch {
        gone.push(instance);
        continue;
      }
      if (!(now - snap.at < this.syncMs * 3)) {
        gone.push(instance);
        continue;
      }
      const self = instance === this.redis.instanceId;
      for (const [id, p] of Object.entries(snap.d)) {
        const [
          inFlight,
          rpm,
          tpm,
          latencyMs,
          ttftMs,
          sampledAt,
          lastError,
          lastErrorAt,
          ,
          lastSuccessAt,
          probe,
        ] = p;
        if (!self) {
          others.set(id, (others.get(id) ?? 0) + inFlight);
          this.adopt(id, p);
        }
        const t = totals.get(id) ?? {
          inFlight: 0,
          rpm: 0,
          tpm: 0,
          latencyMs: null,
          ttftMs: null,
          lastError: null,
          lastErrorAt: 0,
          lastSuccessAt: 0,
          lastProbe: null,
          sampledAt: 0,
        };
        t.inFlight += inFlight;
        if (snap.window === window) {
          t.rpm += rpm;
          t.tpm += tpm;
        }
        if (latencyMs !== null && sampledAt > t.sampledAt) {
          t.latencyMs = latencyMs;
          t.ttftMs = ttftMs;
          t.sampledAt = sampledAt;
        }
        if (lastError !== null && lastErrorAt > t.lastErrorAt) {
          t.lastError = lastError;
          t.lastErrorAt = lastErrorAt;
        }
        if (lastSuccessAt > t.lastSuccessAt) t.lastSuccessAt = lastSuccessAt;
        if (probe && probe.at > (t.lastProbe?.at ?? 0)) t.lastProbe = probe;
        totals.set(id, t);
      }
    }
    this.othersInFlight = others;
    this.totals = totals;
    this.totalsWindow = window;
    if (this.onTotals) for (const [id, t] of totals) this.onTotals(id, now, t);
    if (gone.length > 0) this.redis.client.hdel(hash, ...gone).catch(() => undefined);
  }

  /** Takes another instance's newer latency sample, upstream report and last error (only for known ids). */
  private adopt(id: string, p: Published): void {
    const s = this.states.get(id);
    if (!s) return;
    const [, , , latencyMs, ttftMs, sampledAt, lastError, lastErrorAt, upstream, lastSuccessAt, probe] = p;
    if (lastSuccessAt > s.lastSuccessAt) s.lastSuccessAt = lastSuccessAt;
    if (probe && probe.at > (s.lastProbe?.at ?? 0)) s.lastProbe = probe;
    if (latencyMs !== null && sampledAt > s.sampledAt) {
      s.latencyMs = latencyMs;
      s.ttftMs = ttftMs ?? s.ttftMs;
      s.sampledAt = sampledAt;
    }
    if (lastError !== null && lastErrorAt > s.lastErrorAt) {
      s.lastError = lastError;
      s.lastErrorAt = lastErrorAt;
    }
    if (upstream && upstream.reportedAt > (s.upstream?.reportedAt ?? 0))
      s.upstream = { ...upstream, sentSince: 0 };
  }
}
