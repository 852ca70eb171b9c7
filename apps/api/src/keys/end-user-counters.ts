import { USAGE_WINDOW_MS } from '../routing/usage-counters';

export const DAY_MS = 86_400_000;

/**
 * Most (key, end user) pairs an instance tracks, per map (minutes, days). A client can send a new `user`
 * with every request; past this the least recently touched pair is forgotten (its minute count restarts,
 * its day's spend is read again from the end-user rollup). A few MB at most.
 */
export const END_USER_COUNTERS_MAX = 50_000;

/** A key's limits per end user (the request's `user` field). */
export interface EndUserLimits {
  /** The end user, as the request log stores it (at most 256 characters). */
  readonly id: string;
  readonly rpm: number | null;
  readonly dailyBudgetUsd: number | null;
}

/** An end user's spend today (UTC) as this instance knows it. */
export interface EndUserSpend {
  readonly usd: number;
  /** False until today's spend before this instance saw the end user has been read from the database. */
  readonly seeded: boolean;
}

interface MinuteEntry {
  window: number;
  requests: number;
}

interface DayEntry {
  day: number;
  /** Spend read from the end-user rollup (before this instance counted any). */
  baseUsd: number;
  seeded: boolean;
  /** Spend settled on this instance. */
  addedUsd: number;
}

export function utcDay(nowMs: number): number {
  return Math.floor(nowMs / DAY_MS);
}

/**
 * Requests per calendar minute and spend per UTC day, per (key, end user), in memory and bounded. Both
 * maps are kept in order of last write, so the entries of past minutes or days sit at the front: each
 * write drops those first (amortised O(1)), then the least recently written if the map is still over
 * `maxEntries`.
 */
export class EndUserCounters {
  private readonly minutes = new Map<string, MinuteEntry>();
  private readonly days = new Map<string, DayEntry>();

  constructor(readonly maxEntries = END_USER_COUNTERS_MAX) {}

  /** Pairs tracked: the bound a flood of distinct `user` values cannot pass. */
  get size(): { minutes: number; days: number } {
    return { minutes: this.minutes.size, days: this.days.size };
  }

  /** Requests admitted for the pair in the current minute. */
  requests(keyId: string, user: string, nowMs: number): number {
    const entry = this.minutes.get(pairKey(keyId, user));
    return entry && entry.window === Math.floor(nowMs / USAGE_WINDOW_MS) ? entry.requests : 0;
  }

  hit(keyId: string, user: string, nowMs: number): void {
    const window = Math.floor(nowMs / USAGE_WINDOW_MS);
    const key = pairKey(keyId, user);
    const entry = this.minutes.get(key);
    if (entry && entry.window === window) {
      entry.requests += 1;
      return;
    }
    if (entry) this.minutes.delete(key);
    this.minutes.set(key, { window, requests: 1 });
    trim(this.minutes, (e) => e.window < window, this.maxEntries);
  }

  spend(keyId: string, user: string, nowMs: number): EndUserSpend {
    const entry = this.days.get(pairKey(keyId, user));
    if (!entry || entry.day !== utcDay(nowMs)) return { usd: 0, seeded: false };
    return { usd: entry.baseUsd + entry.addedUsd, seeded: entry.seeded };
  }

  addSpend(keyId: string, user: string, nowMs: number, usd: number): void {
    if (!(usd > 0) || !Number.isFinite(usd)) return;
    this.touchDay(keyId, user, utcDay(nowMs)).addedUsd += usd;
  }

  /** Today's spend before this instance counted, from the database; ignored once the day is over. */
  seed(keyId: string, user: string, day: number, usd: number, nowMs: number): void {
    if (day !== utcDay(nowMs)) return;
    const entry = this.touchDay(keyId, user, day);
    entry.baseUsd = usd;
    entry.seeded = true;
  }

  /** The pair's entry for `day` (new if missing or of a past day), moved to the back. */
  private touchDay(keyId: string, user: string, day: number): DayEntry {
    const key = pairKey(keyId, user);
    let entry = this.days.get(key);
    if (entry) this.days.delete(key);
    if (!entry || entry.day !== day) entry = { day, baseUsd: 0, seeded: false, addedUsd: 0 };
    this.days.set(key, entry);
    trim(this.days, (e) => e.day < day, this.maxEntries);
    return entry;
  }
}

function pairKey(keyId: string, user: string): string {
  return `${keyId}\u0000${user}`;
}

/** Drops stale entries from the front, then the oldest while over `max`. */
function trim<T>(map: Map<string, T>, stale: (entry: T) => boolean, max: number): void {
  for (const [key, entry] of map) {
    if (!stale(entry) && map.size <= max) break;
    map.delete(key);
  }
}

/** The end user a request names: a non-empty `user` string, cut like the request log cuts it. */
export function endUserOf(user: unknown): string | null {
  return typeof user === 'string' && user.length > 0 ? user.slice(0, 256) : null;
}
