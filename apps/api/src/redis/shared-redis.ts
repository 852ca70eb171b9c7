import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { SharedScripts } from './shared-scripts';

export interface SharedRedisOptions {
  url: string;
  /** Every key and channel starts with it (default `switchboard:`), so a shared Redis (Dify's) stays tidy. */
  prefix: string;
  /** A command not answered within this counts as Redis being away (the request goes on without it). */
  commandTimeoutMs: number;
  /** How often this instance says it is alive (and counts the others). */
  heartbeatMs?: number;
}

/**
 * The connection instances share state through, and whether it can be used right now. Redis being
 * unreachable or slow never fails a request: callers check `usable`, fall back to their local state (each
 * instance taking a fair share of every limit: `instances`), and the connection comes back by itself.
 */
export class SharedRedis {
  readonly client: Redis;
  /** A second connection for pub/sub (a subscribed connection cannot send commands). */
  readonly subscriber: Redis;
  /** Script operations batched per tick into one command (key admission, reservations, settling). */
  readonly scripts: SharedScripts;
  readonly prefix: string;
  readonly instanceId = randomUUID();
  private readonly logger = new Logger('Redis');
  private up = false;
  private warned = false;
  private knownInstances = 1;
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly listeners = new Set<(up: boolean) => void>();

  constructor(private readonly options: SharedRedisOptions) {
    this.prefix = options.prefix;
    const common = {
      // Commands fail fast while disconnected instead of queueing behind a dead connection.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: Math.max(1_000, options.commandTimeoutMs * 4),
      retryStrategy: (times: number) => Math.min(2_000, 100 * times),
      lazyConnect: true,
    };
    this.client = new Redis(options.url, {
      ...common,
      connectionName: `switchboard:${this.instanceId}`,
      // Commands issued in the same tick (one request's settle and token count, many requests' admits
      // under load) go out as one write: fewer syscalls and less CPU per request.
      enableAutoPipelining: true,
    });
    this.scripts = new SharedScripts(this.client);
    this.subscriber = new Redis(options.url, {
      ...common,
      enableOfflineQueue: true,
      commandTimeout: undefined,
    });
    this.client.on('ready', () => this.setUp(true));
    this.client.on('close', () => this.setUp(false));
    // ioredis reports every failed reconnect; `setUp` logs the first one of an outage.
    this.client.on('error', () => undefined);
    this.subscriber.on('error', () => undefined);
  }

  /** Connects (a Redis that is down at start is retried in the background; requests flow meanwhile). */
  async start(): Promise<void> {
    await Promise.allSettled([this.client.connect(), this.subscriber.connect()]);
    if (!this.up) this.warnOnce('Redis is unreachable at start');
    await this.beat();
    this.heartbeat = setInterval(() => void this.beat(), this.options.heartbeatMs ?? 5_000);
    this.heartbeat.unref();
  }

  async stop(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    // Settling that was waiting for a batch to ride on goes out before the connection closes.
    if (this.up) await this.scripts.drain().catch(() => undefined);
    if (this.up) await this.client.zrem(this.key('instances'), this.instanceId).catch(() => undefined);
    this.client.disconnect();
    this.subscriber.disconnect();
  }

  /** True while commands can be sent (connected and answering). */
  get usable(): boolean {
    return this.up;
  }

  /** Gateway instances alive at the last heartbeat (at least 1): the divisor of fair-share fallbacks. */
  get instances(): number {
    return this.knownInstances;
  }

  key(...parts: (string | number)[]): string {
    return `${this.prefix}${parts.join(':')}`;
  }

  /** Called with `true` when Redis comes back and `false` when it goes away. */
  onChange(listener: (up: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A command failed or timed out: use local state until the connection says it is ready again. */
  failed(error: unknown): void {
    this.warnOnce(`Redis did not answer (${error instanceof Error ? error.message : String(error)})`);
    if (this.client.status === 'ready' && !this.up) return;
    this.setUp(false);
    // A timeout leaves the socket open: reconnecting decides whether Redis is really back.
    if (this.client.status === 'ready') this.client.disconnect(true);
  }

  /** Says this instance is alive and counts the live ones (every heartbeat; tests call it directly). */
  async beat(): Promise<void> {
    if (!this.up) return;
    const key = this.key('instances');
    const now = Date.now();
    const ttl = (this.options.heartbeatMs ?? 5_000) * 3;
    try {
      const result = await this.client
        .multi()
        .zadd(key, now + ttl, this.instanceId)
        .zremrangebyscore(key, '-inf', now)
        .zcard(key)
        .pexpire(key, ttl * 2)
        .exec();
      const count = Number(result?.[2]?.[1] ?? 1);
      this.knownInstances = Math.max(1, count);
    } catch (error) {
      this.failed(error);
    }
  }

  private setUp(up: boolean): void {
    if (up === this.up) return;
    this.up = up;
    if (up) {
      if (this.warned)
        this.logger.log('Redis is back: instances share limits, cooldowns and throttles again');
      this.warned = false;
      void this.beat();
    } else {
      this.warnOnce('Redis connection lost');
    }
    for (const listener of this.listeners) listener(up);
  }

  private warnOnce(what: string): void {
    if (this.warned) return;
    this.warned = true;
    this.logger.warn(
      `${what}: requests keep flowing on this instance's own counters, each instance taking a fair share (1/${this.knownInstances}) of every limit, until Redis answers again`,
    );
  }
}
