import type { Clock } from '../common/clock';
import { DAY_MS, utcDay } from './end-user-counters';
import type { KeyCounters } from './key-counters';

/** Most pairs waiting for their figure; more are asked for again on their next request. */
const MAX_PENDING = 2_000;
/** Pairs read per query. */
const BATCH = 500;
/**
 * Requests arriving together are read together, and a flood of new end users costs the database at most
 * one query of BATCH pairs per DELAY_MS.
 */
const DELAY_MS = 200;

export interface EndUserSpendSource {
  sumEndUserSpendSince(
    pairs: readonly { keyId: string; endUser: string }[],
    since: Date,
  ): Promise<{ keyId: string; endUser: string; costUsd: number }[]>;
}

/**
 * Reads an end user's spend today from the end-user rollup when the counters do not know it (after a
 * restart, or a pair forgotten under a flood of end users), off the request path: requests are asked
 * for, collected for a moment and read in one query per batch. Until the figure arrives the end user
 * is admitted on what this instance counted itself.
 */
export class EndUserSpendSeeder {
  private readonly pending = new Map<string, { keyId: string; endUser: string }>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly source: EndUserSpendSource,
    private readonly counters: KeyCounters,
    private readonly clock: Clock,
    private readonly onError: (error: unknown) => void,
  ) {}

  request(keyId: string, endUser: string): void {
    const id = `${keyId}\u0000${endUser}`;
    if (this.pending.has(id) || this.pending.size >= MAX_PENDING) return;
    this.pending.set(id, { keyId, endUser });
    if (this.timer === null && this.running === null) this.schedule();
  }

  /** Reads what is waiting now (tests, shutdown). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.running) await this.running;
    if (this.pending.size > 0) await this.run();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending.clear();
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run();
    }, DELAY_MS);
    this.timer.unref();
  }

  private run(): Promise<void> {
    const batch = [...this.pending.values()].slice(0, BATCH);
    const now = this.clock.now();
    const day = utcDay(now);
    this.running = this.source
      .sumEndUserSpendSince(batch, new Date(day * DAY_MS))
      .then((rows) => {
        const spent = new Map(rows.map((r) => [`${r.keyId}\u0000${r.endUser}`, r.costUsd]));
        const at = this.clock.now();
        for (const p of batch) {
          const id = `${p.keyId}\u0000${p.endUser}`;
          this.counters.seedEndUserSpend(p.keyId, p.endUser, day, spent.get(id) ?? 0, at);
        }
      })
      .catch(this.onError)
      .finally(() => {
        // Read or failed: a pair still unknown is asked for again by its next request.
        for (const p of batch) this.pending.delete(`${p.keyId}\u0000${p.endUser}`);
        this.running = null;
        if (this.pending.size > 0) this.schedule();
      });
    return this.running;
  }
}
