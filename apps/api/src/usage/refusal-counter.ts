import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { RefusalSink } from './request-log-entry';
import { MetricsService } from '../metrics/metrics.service';
import { type RefusalCount, RefusalRepository } from './refusal.repository';

const MINUTE_MS = 60_000;
const FLUSH_EVERY_MS = 5_000;
/** Distinct (minute, route, status, reason) keys held at most; beyond it reasons fold into `other`. */
const MAX_KEYS = 500;
/** Counts kept while the database is away, at most (the oldest minutes go first beyond it). */
const MAX_PENDING = 10_000;

const clip = (s: string): string => (s.length > 64 ? s.slice(0, 64) : s);

/**
 * Requests refused before any key was recognised, counted per minute (and in metrics) instead of one
 * request-log row each: anyone can send them, so they must not be able to grow the log. The request path
 * only increments a map; counts are added to `RequestRefusalMinute` every few seconds and at shutdown, and
 * kept for the next try while the database is away.
 */
@Injectable()
export class RefusalCounter implements RefusalSink, OnApplicationShutdown {
  private readonly logger = new Logger('RefusalCounter');
  private counts = new Map<string, RefusalCount>();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> | null = null;
  private failing = false;

  constructor(
    private readonly repo: RefusalRepository,
    private readonly metrics: MetricsService,
  ) {
    this.timer = setInterval(() => void this.flush(), FLUSH_EVERY_MS);
    this.timer.unref();
  }

  count(route: string, status: number, reason: string): void {
    const bucketMs = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS;
    let why = clip(reason);
    let key = `${bucketMs}\u0000${route}\u0000${status}\u0000${why}`;
    if (!this.counts.has(key) && this.counts.size >= MAX_KEYS) {
      why = 'other';
      key = `${bucketMs}\u0000${route}\u0000${status}\u0000${why}`;
    }
    const entry = this.counts.get(key);
    if (entry) entry.count++;
    else
      this.counts.set(key, { bucket: new Date(bucketMs), route: clip(route), status, reason: why, count: 1 });
    this.metrics.requestRefused(route, status, why);
  }

  /** Adds what was counted to the database; on failure the counts stay for the next flush. */
  flush(): Promise<void> {
    this.flushing ??= this.write().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async write(): Promise<void> {
    if (this.counts.size === 0) return;
    const batch = this.counts;
    this.counts = new Map();
    try {
      await this.repo.addCounts([...batch.values()]);
      if (this.failing) this.logger.log('refusal counts are written again');
      this.failing = false;
    } catch (err) {
      if (!this.failing) {
        this.logger.warn(
          `could not write refusal counts (${err instanceof Error ? err.message : String(err)}); keeping them`,
        );
      }
      this.failing = true;
      // Merge back, newest counts first in line; bounded so a long outage cannot grow memory.
      for (const [key, c] of batch) {
        const now = this.counts.get(key);
        if (now) now.count += c.count;
        else if (this.counts.size < MAX_PENDING) this.counts.set(key, c);
      }
    }
  }
}
