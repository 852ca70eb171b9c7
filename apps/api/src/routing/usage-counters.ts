export const USAGE_WINDOW_MS = 60_000;

export interface UsageWindow {
  /** Requests counted in the current window. */
  readonly rpm: number;
  /** Tokens counted in the current window. */
  readonly tpm: number;
}

/** Start of the next window: when a deployment at its rpm/tpm limit gets capacity back. */
export function windowResetAt(nowMs: number): number {
  return (Math.floor(nowMs / USAGE_WINDOW_MS) + 1) * USAGE_WINDOW_MS;
}

/**
 * Per-deployment request and token counters for rpm/tpm limits and usage-based routing.
 *
 * Windows are fixed calendar minutes (12:00:00.000-12:00:59.999). That allows up to 2x the limit across a
 * minute boundary, but gives an exact "capacity frees up at" time for Retry-After and maps onto one Redis
 * key per deployment and minute (`INCR` + `EXPIRE`).
 *
 * The hot path is synchronous on purpose: picking a deployment must not wait on the network. A shared
 * (Redis) implementation keeps a local mirror that `get` reads, writes through asynchronously, and refreshes
 * the mirror in `prefetch`, which the router awaits once per model group before picking. The trade-off: other
 * instances' traffic is seen with the lag of the last prefetch, so a limit can be overshot by the requests
 * that race within that lag.
 */
export interface UsageCounters {
  /** Counts one request (at attempt start, so concurrent picks see it at once). */
  hit(deploymentId: string, nowMs: number): void;
  addTokens(deploymentId: string, tokens: number, nowMs: number): void;
  /** Usage in the window containing `nowMs`. May be a live view: copy the numbers to keep them. */
  get(deploymentId: string, nowMs: number): UsageWindow;
  /** Drops a deleted deployment's counters. */
  forget(deploymentId: string): void;
  /** Optional: refresh shared counters before a pick (not needed in memory). */
  prefetch?(deploymentIds: readonly string[], nowMs: number): Promise<void>;
  /**
   * Shared counters only: checks the deployment's rpm/tpm on the count every instance shares and counts the
   * request, atomically (one round trip per attempt). False: full (the local view is updated to say so,
   * and the router picks another deployment). When present, the router calls it instead of `hit`.
   */
  reserve?(
    deploymentId: string,
    limits: DeploymentLimits,
    estimatedTokens: number,
    nowMs: number,
  ): Promise<boolean>;
}

export interface DeploymentLimits {
  readonly rpm: number | null;
  readonly tpm: number | null;
}

/** `rpmLimit` requests counted this minute (null: no limit). */
export function rpmFull(rpmLimit: number | null, used: UsageWindow): boolean {
  return rpmLimit !== null && used.rpm >= rpmLimit;
}

/**
 * No room for `estimatedTokens` more under `tpmLimit` (null: no limit). A request bigger than the whole
 * limit still goes through on an idle minute: it can never fit, and the upstream is the better judge.
 */
export function tpmFull(tpmLimit: number | null, used: UsageWindow, estimatedTokens: number): boolean {
  return (
    tpmLimit !== null && (used.tpm >= tpmLimit || (used.tpm > 0 && used.tpm + estimatedTokens > tpmLimit))
  );
}

interface Bucket {
  window: number;
  rpm: number;
  tpm: number;
}

const EMPTY: UsageWindow = Object.freeze({ rpm: 0, tpm: 0 });

/**
 * Single-process counters: one bucket per deployment for the current minute, rolled over in place on first
 * touch in a new minute (no timers, no allocation after the first request). A timestamp from an earlier
 * minute than the bucket's (clock stepped back) counts toward the bucket's minute.
 */
export class InMemoryUsageCounters implements UsageCounters {
  private readonly buckets = new Map<string, Bucket>();

  hit(deploymentId: string, nowMs: number): void {
    this.bucket(deploymentId, nowMs).rpm += 1;
  }

  addTokens(deploymentId: string, tokens: number, nowMs: number): void {
    if (!(tokens > 0)) return;
    this.bucket(deploymentId, nowMs).tpm += tokens;
  }

  get(deploymentId: string, nowMs: number): UsageWindow {
    const b = this.buckets.get(deploymentId);
    if (!b) return EMPTY;
    return Math.floor(nowMs / USAGE_WINDOW_MS) > b.window ? EMPTY : b;
  }

  forget(deploymentId: string): void {
    this.buckets.delete(deploymentId);
  }

  /** Sets the current window to counts read elsewhere (a shared counter's answer). */
  set(deploymentId: string, nowMs: number, rpm: number, tpm: number): void {
    const b = this.bucket(deploymentId, nowMs);
    b.rpm = rpm;
    b.tpm = tpm;
  }

  private bucket(deploymentId: string, nowMs: number): Bucket {
    const window = Math.floor(nowMs / USAGE_WINDOW_MS);
    let b = this.buckets.get(deploymentId);
    if (!b) {
      b = { window, rpm: 0, tpm: 0 };
      this.buckets.set(deploymentId, b);
    } else if (window > b.window) {
      b.window = window;
      b.rpm = 0;
      b.tpm = 0;
    }
    return b;
  }
}
