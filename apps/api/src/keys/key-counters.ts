import { USAGE_WINDOW_MS, windowResetAt } from '../routing/usage-counters';

export interface KeyUsage {
  /** Requests admitted in the current minute. */
  readonly requests: number;
  /** Tokens counted in the current minute (reservations of requests in flight included). */
  readonly tokens: number;
  /** Requests admitted and not yet released. */
  readonly inFlight: number;
  /** When the current minute ends (epoch ms): rpm/tpm capacity comes back then. */
  readonly windowEndsAt: number;
}

/** A taken slot; hand it back to `settle` exactly once. */
export interface KeyTicket {
  readonly keyId: string;
  readonly window: number;
  readonly reservedTokens: number;
}

/**
 * Per-key rpm, tpm and parallel counters for admission. Like the router's UsageCounters the hot path is
 * synchronous and windows are fixed calendar minutes (an exact Retry-After, one Redis key per key and
 * minute), so a shared implementation can keep a local mirror and write through asynchronously.
 */
export interface KeyCounters {
  get(keyId: string, nowMs: number): KeyUsage;
  /** Counts one request, reserves its estimated tokens in this minute and takes a parallel slot. */
  take(keyId: string, estimatedTokens: number, nowMs: number): KeyTicket;
  /** Frees the slot and replaces the reservation with the tokens actually used. */
  settle(ticket: KeyTicket, actualTokens: number, nowMs: number): void;
  /** Drops a deleted key's counters. */
  forget(keyId: string): void;
}

interface Bucket {
  window: number;
  requests: number;
  tokens: number;
  inFlight: number;
}

/** Single-process counters: one bucket per key, rolled over in place on first touch in a new minute. */
export class InMemoryKeyCounters implements KeyCounters {
  private readonly buckets = new Map<string, Bucket>();

  get(keyId: string, nowMs: number): KeyUsage {
    const windowEndsAt = windowResetAt(nowMs);
    const b = this.buckets.get(keyId);
    if (!b) return { requests: 0, tokens: 0, inFlight: 0, windowEndsAt };
    const current = Math.floor(nowMs / USAGE_WINDOW_MS) <= b.window;
    return {
      requests: current ? b.requests : 0,
      tokens: current ? b.tokens : 0,
      inFlight: b.inFlight,
      windowEndsAt,
    };
  }

  take(keyId: string, estimatedTokens: number, nowMs: number): KeyTicket {
    const b = this.bucket(keyId, nowMs);
    const reservedTokens = Math.max(0, Math.ceil(estimatedTokens) || 0);
    b.requests += 1;
    b.tokens += reservedTokens;
    b.inFlight += 1;
    return { keyId, window: b.window, reservedTokens };
  }

  settle(ticket: KeyTicket, actualTokens: number, nowMs: number): void {
    const existing = this.buckets.get(ticket.keyId);
    if (!existing) return; // forgotten meanwhile (key deleted)
    existing.inFlight = Math.max(0, existing.inFlight - 1);
    const actual = Math.max(0, actualTokens || 0);
    const b = this.bucket(ticket.keyId, nowMs);
    if (b.window === ticket.window) {
      b.tokens = Math.max(0, b.tokens + actual - ticket.reservedTokens);
    } else {
      // The reservation stays in the minute it was made; this minute gets only what went beyond it.
      b.tokens += Math.max(0, actual - ticket.reservedTokens);
    }
  }

  forget(keyId: string): void {
    this.buckets.delete(keyId);
  }

  private bucket(keyId: string, nowMs: number): Bucket {
    const window = Math.floor(nowMs / USAGE_WINDOW_MS);
    let b = this.buckets.get(keyId);
    if (!b) {
      b = { window, requests: 0, tokens: 0, inFlight: 0 };
      this.buckets.set(keyId, b);
    } else if (window > b.window) {
      b.window = window;
      b.requests = 0;
      b.tokens = 0;
    }
    return b;
  }
}
