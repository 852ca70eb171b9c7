import type { RoutedDeployment } from './routing.types';

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
 * Picking is synchronous on purpose: it reads `get`, which never waits on the network. A shared (Redis)
 * implementation keeps a local mirror for it and makes the decision that must be exact in `reserve` (or
 * `claimNext`): one atomic check-and-count per attempt on the count every instance shares.
 */
export interface UsageCounters {
  /** Counts one request (at attempt start, so concurrent picks see it at once). */
  hit(deploymentId: string, nowMs: number, n?: number): void;
  addTokens(deploymentId: string, tokens: number, nowMs: number): void;
  /** Usage in the window containing `nowMs`. May be a live view: copy the numbers to keep them. */
  get(deploymentId: string, nowMs: number): UsageWindow;
  /** Drops a deleted deployment's counters. */
  forget(deploymentId: string): void;
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
  /** Shared counters only: takes back a reservation that was not used (the key refused the request). */
  unreserve?(deploymentId: string, limits: DeploymentLimits, reservedAtMs: number): void;
  /**
   * Shared counters only, for round-robin groups: the next of `candidates` (sorted by id) after the group's
   * shared cursor that has room, counted, in one atomic step; null when all are full; undefined when the
   * shared cursor cannot be used now (the router then rotates on its own and calls `reserve`).
   */
  claimNext?(
    group: string,
    candidates: readonly RoutedDeployment[],
    estimatedTokens: number,
    nowMs: number,
  ): Promise<RoutedDeployment | null | undefined>;
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
 * The calendar-minute counter (deployments' rpm/tpm here, keys' in InMemoryKeyCounters): one bucket per id
 * for the current minute, rolled over in place on first
 * touch in a new minute (no timers, no allocation after the first request). A timestamp from an earlier
 * minute than the bucket's (clock stepped back) counts toward the bucket's minute.
 */
export class InMemoryUsageCounters implements UsageCounters {
  private readonly buckets = new Map<string, Bucket>();

  /** Counts `n` requests (-1 takes one back). */
  hit(deploymentId: string, nowMs: number, n = 1): void {
    const b = this.bucket(deploymentId, nowMs);
    b.rpm = Math.max(0, b.rpm + n);
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

  /** Adds `delta` tokens (negative: gives back part of a reservation; never below 0). */
  adjustTokens(id: string, delta: number, nowMs: number): void {
    const b = this.bucket(id, nowMs);
    b.tpm = Math.max(0, b.tpm + delta);
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
