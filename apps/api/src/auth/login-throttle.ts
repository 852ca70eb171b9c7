import type { Clock } from '../common/clock';

export interface LoginThrottleOptions {
  /** Failed attempts allowed per client address within `windowMs`. */
  maxFailures: number;
  windowMs: number;
  /** Counts shared by every instance (Redis); without it, each instance counts on its own. */
  share?: ThrottleShare | null;
}

/** A count of failures every instance adds to (see SharedThrottleCounts). */
export interface ThrottleShare {
  /** Adds one failure; resolves with the shared count and when its window began (null: not available). */
  add(address: string, windowMs: number, nowMs: number): Promise<{ count: number; firstAtMs: number } | null>;
  clear(address: string): void;
}

interface Failures {
  count: number;
  firstAtMs: number;
}

/** Addresses tracked at most; beyond that the oldest entries go first. */
const MAX_TRACKED = 10_000;

/**
 * Per-address limit on failed logins: after `maxFailures` failures in a window, further attempts from
 * that address are refused until the window (started by the first failure) has passed. With a `share`,
 * each failure also counts on the shared count and this instance adopts the shared total, so N instances
 * let at most `maxFailures` + N - 1 through (the check itself never waits on the network).
 */
export class LoginThrottle {
  private readonly failures = new Map<string, Failures>();

  constructor(
    private readonly clock: Clock,
    private readonly options: LoginThrottleOptions,
  ) {}

  /** Seconds until this address may try again, or 0 when it may try now. */
  retryAfterSeconds(address: string): number {
    const f = this.current(address);
    if (!f || f.count < this.options.maxFailures) return 0;
    return Math.max(1, Math.ceil((f.firstAtMs + this.options.windowMs - this.clock.now()) / 1000));
  }

  recordFailure(address: string): void {
    const now = this.clock.now();
    let f = this.current(address);
    if (f) f.count += 1;
    else {
      if (this.failures.size >= MAX_TRACKED) {
        const oldest = this.failures.keys().next().value;
        if (oldest !== undefined) this.failures.delete(oldest);
      }
      f = { count: 1, firstAtMs: now };
      this.failures.set(address, f);
    }
    const entry = f;
    void this.options.share?.add(address, this.options.windowMs, now).then((shared) => {
      if (!shared || this.failures.get(address) !== entry) return;
      entry.count = Math.max(entry.count, shared.count);
      entry.firstAtMs = Math.min(entry.firstAtMs, shared.firstAtMs);
    });
  }

  recordSuccess(address: string): void {
    this.failures.delete(address);
    this.options.share?.clear(address);
  }

  private current(address: string): Failures | undefined {
    const f = this.failures.get(address);
    if (f && this.clock.now() - f.firstAtMs >= this.options.windowMs) {
      this.failures.delete(address);
      return undefined;
    }
    return f;
  }
}
