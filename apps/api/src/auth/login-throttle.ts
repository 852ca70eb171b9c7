import type { Clock } from '../common/clock';

export interface LoginThrottleOptions {
  /** Failed attempts allowed per client address within `windowMs`. */
  maxFailures: number;
  windowMs: number;
}

interface Failures {
  count: number;
  firstAtMs: number;
}

/** Addresses tracked at most; beyond that the oldest entries go first. */
const MAX_TRACKED = 10_000;

/**
 * Per-address limit on failed logins: after `maxFailures` failures in a window, further attempts from
 * that address are refused until the window (started by the first failure) has passed.
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
    const f = this.current(address);
    if (f) {
      f.count += 1;
      return;
    }
    if (this.failures.size >= MAX_TRACKED) {
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
    this.failures.set(address, { count: 1, firstAtMs: this.clock.now() });
  }

  recordSuccess(address: string): void {
    this.failures.delete(address);
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
