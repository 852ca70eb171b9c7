import { InMemoryUsageCounters, USAGE_WINDOW_MS, windowResetAt } from '../routing/usage-counters';
import { EndUserCounters, type EndUserLimits } from './end-user-counters';

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
  /** Where the slot was taken: a shared counter, or this instance's own (Redis away, or none configured). */
  readonly shared?: { readonly id: string; readonly budgetPeriod: string | null };
  /** The end user whose day the cost is added to (a key with per-end-user limits). */
  readonly endUser?: string;
}

/** A key's limits; null = none. */
export interface KeyLimits {
  readonly rpm: number | null;
  readonly tpm: number | null;
  readonly parallel: number | null;
}

export type KeyLimitName = 'parallel' | 'rpm' | 'tpm' | 'budget' | 'end_user_rpm' | 'end_user_budget';

/** A key's budget in its current period, for counters that share spend between instances. */
export interface KeyBudget {
  readonly maxUsd: number;
  /** Spent in the period as this instance knows it (the database's figure plus its own since). */
  readonly spentUsd: number;
  /** Names the period (its reset time, or `total`): spend is counted per period. */
  readonly period: string;
  /** When the period ends (epoch ms), or null for a total budget. */
  readonly endsAtMs: number | null;
}

/**
 * Admitted with a slot, or refused by the first limit that is full (with the usage that filled it).
 * `endUserUnseeded`: the end user's spend today is not known from the database yet (ask for it, off the
 * request path).
 */
export type KeyAdmission =
  | { readonly ok: true; readonly ticket: KeyTicket; readonly endUserUnseeded?: boolean }
  | {
      readonly ok: false;
      readonly limit: KeyLimitName;
      readonly usage: KeyUsage;
      readonly endUserUnseeded?: boolean;
    };

/**
 * Per-key rpm, tpm and parallel counters. `admit` checks every limit and takes the slot in one step, so a
 * shared implementation does it atomically (one Redis round trip) and N instances together admit exactly a
 * key's limit. Windows are fixed calendar minutes (an exact Retry-After, one Redis key per key and minute).
 * In memory everything is synchronous; a shared implementation answers `admit` with a promise.
 */
export interface KeyCounters {
  get(keyId: string, nowMs: number): KeyUsage;
  /**
   * Refuses when `parallel` slots are taken, `rpm` requests were admitted this minute, or `tpm` would be
   * passed (a request alone bigger than the whole tpm still gets an empty minute, or it could never run);
   * otherwise counts the request, reserves its estimated tokens and takes a parallel slot.
   */
  admit(
    keyId: string,
    limits: KeyLimits,
    estimatedTokens: number,
    nowMs: number,
    budget?: KeyBudget | null,
    endUser?: EndUserLimits | null,
  ): KeyAdmission | Promise<KeyAdmission>;
  /** Frees the slot, replaces the reservation with the tokens actually used, and adds the cost. */
  settle(ticket: KeyTicket, actualTokens: number, nowMs: number, costUsd?: number): void;
  /** Drops a deleted key's counters. */
  forget(keyId: string): void;
  /** Today's spend of an end user before this instance counted any (read from the end-user rollup). */
  seedEndUserSpend(keyId: string, endUser: string, day: number, usd: number, nowMs: number): void;
}

/** The per-end-user limit `counters` leave no room under, or null (checked before the key's own). */
export function fullEndUserLimit(
  counters: EndUserCounters,
  keyId: string,
  endUser: EndUserLimits,
  nowMs: number,
): 'end_user_rpm' | 'end_user_budget' | null {
  if (
    endUser.dailyBudgetUsd !== null &&
    counters.spend(keyId, endUser.id, nowMs).usd >= endUser.dailyBudgetUsd
  )
    return 'end_user_budget';
  if (endUser.rpm !== null && counters.requests(keyId, endUser.id, nowMs) >= endUser.rpm)
    return 'end_user_rpm';
  return null;
}

/** The limit `usage` leaves no room under, or null. Shared by the in-memory counters and the Redis script. */
export function fullLimit(limits: KeyLimits, usage: KeyUsage, estimate: number): KeyLimitName | null {
  if (limits.parallel !== null && usage.inFlight >= limits.parallel) return 'parallel';
  if (limits.rpm !== null && usage.requests >= limits.rpm) return 'rpm';
  if (limits.tpm !== null && usage.tokens > 0 && usage.tokens + estimate > limits.tpm) return 'tpm';
  return null;
}

/**
 * Single-process counters: requests and tokens on the same calendar-minute counter deployments use
 * (`InMemoryUsageCounters`), and the requests in flight beside it.
 */
export class InMemoryKeyCounters implements KeyCounters {
  private readonly minute = new InMemoryUsageCounters();
  /** Requests in flight per key; an entry exists from a key's first admission until it is forgotten. */
  private readonly inFlight = new Map<string, number>();
  /** Per (key, end user): requests this minute and spend today. Bounded. */
  readonly endUsers: EndUserCounters;

  constructor(endUserMax?: number) {
    this.endUsers = new EndUserCounters(endUserMax);
  }

  get(keyId: string, nowMs: number): KeyUsage {
    const used = this.minute.get(keyId, nowMs);
    return {
      requests: used.rpm,
      tokens: used.tpm,
      inFlight: this.inFlight.get(keyId) ?? 0,
      windowEndsAt: windowResetAt(nowMs),
    };
  }

  admit(
    keyId: string,
    limits: KeyLimits,
    estimatedTokens: number,
    nowMs: number,
    _budget?: KeyBudget | null,
    endUser?: EndUserLimits | null,
  ): KeyAdmission {
    const reservedTokens = Math.max(0, Math.ceil(estimatedTokens) || 0);
    const usage = this.get(keyId, nowMs);
    const endUserUnseeded =
      !!endUser && endUser.dailyBudgetUsd !== null && !this.endUsers.spend(keyId, endUser.id, nowMs).seeded;
    const limit =
      (endUser && fullEndUserLimit(this.endUsers, keyId, endUser, nowMs)) ||
      fullLimit(limits, usage, reservedTokens);
    if (limit) return { ok: false, limit, usage, endUserUnseeded };
    return { ok: true, ticket: this.take(keyId, reservedTokens, nowMs, endUser?.id), endUserUnseeded };
  }

  /** Counts a request without checking limits (the shared counters' fallback checks first). */
  take(keyId: string, reservedTokens: number, nowMs: number, endUser?: string): KeyTicket {
    this.minute.hit(keyId, nowMs);
    this.minute.addTokens(keyId, reservedTokens, nowMs);
    this.inFlight.set(keyId, (this.inFlight.get(keyId) ?? 0) + 1);
    if (endUser !== undefined) this.endUsers.hit(keyId, endUser, nowMs);
    return { keyId, window: Math.floor(nowMs / USAGE_WINDOW_MS), reservedTokens, endUser };
  }

  settle(ticket: KeyTicket, actualTokens: number, nowMs: number, costUsd = 0): void {
    if (ticket.endUser !== undefined) this.endUsers.addSpend(ticket.keyId, ticket.endUser, nowMs, costUsd);
    const inFlight = this.inFlight.get(ticket.keyId);
    if (inFlight === undefined) return; // forgotten meanwhile (key deleted)
    this.inFlight.set(ticket.keyId, Math.max(0, inFlight - 1));
    const extra = Math.max(0, actualTokens || 0) - ticket.reservedTokens;
    // The reservation stays in the minute it was made; a later minute gets only what went beyond it.
    if (Math.floor(nowMs / USAGE_WINDOW_MS) === ticket.window)
      this.minute.adjustTokens(ticket.keyId, extra, nowMs);
    else if (extra > 0) this.minute.addTokens(ticket.keyId, extra, nowMs);
  }

  forget(keyId: string): void {
    this.minute.forget(keyId);
    this.inFlight.delete(keyId);
  }

  seedEndUserSpend(keyId: string, endUser: string, day: number, usd: number, nowMs: number): void {
    this.endUsers.seed(keyId, endUser, day, usd, nowMs);
  }
}
