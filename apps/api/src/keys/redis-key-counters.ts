import { randomUUID } from 'node:crypto';
import type { SharedRedis } from '../redis/shared-redis';
import type { ScriptOp } from '../redis/shared-scripts';
import { USAGE_WINDOW_MS, windowResetAt } from '../routing/usage-counters';
import {
  InMemoryKeyCounters,
  type KeyAdmission,
  type KeyBudget,
  type KeyCounters,
  type KeyLimitName,
  type KeyLimits,
  type KeyTicket,
  type KeyUsage,
} from './key-counters';
import { DAY_MS, type EndUserLimits, utcDay } from './end-user-counters';

/**
 * Checks every limit of a key and takes the slot in one atomic step. KEYS: the minute's hash (r = requests,
 * t = tokens), the in-flight set (ticket → expiry), the budget period's spend, the end user's minute count,
 * the end user's day (b = spend read from the database, s = spend settled since, db = 1 once b was read).
 * Expired tickets (an instance that died mid-request) are dropped first, so a crashed instance cannot hold
 * a key's parallel slots for ever. The period's spend starts from what the admitting instance knows (the
 * database's figure and its own since) and from then on every instance adds its costs to it; so does the
 * end user's day. The 6th result says whether the end user's day has its database figure yet.
 */
const ADMIT: ScriptOp = {
  name: 'key_admit',
  keys: 5,
  lua: `
local rpm, tpm, par = tonumber(A[1]), tonumber(A[2]), tonumber(A[3])
local est, now, expires = tonumber(A[4]), tonumber(A[5]), tonumber(A[7])
local budget = tonumber(A[9])
local eurpm, eubudget = tonumber(A[12]), tonumber(A[13])
redis.call('ZREMRANGEBYSCORE', K[2], '-inf', now)
local n = redis.call('ZCARD', K[2])
local r = tonumber(redis.call('HGET', K[1], 'r') or '0')
local t = tonumber(redis.call('HGET', K[1], 't') or '0')
local seeded = 1
if budget >= 0 then
  local spent = redis.call('GET', K[3])
  if not spent then
    redis.call('SET', K[3], A[10], 'PX', A[11])
    spent = A[10]
  end
  if tonumber(spent) >= budget then return {0, 'budget', r, t, n, seeded} end
end
if eubudget >= 0 then
  if redis.call('EXISTS', K[5]) == 0 then
    redis.call('HSET', K[5], 'b', A[14], 's', 0, 'db', A[15])
    redis.call('PEXPIRE', K[5], A[16])
  end
  local day = redis.call('HMGET', K[5], 'b', 's', 'db')
  seeded = tonumber(day[3] or '0')
  if tonumber(day[1] or '0') + tonumber(day[2] or '0') >= eubudget then return {0, 'end_user_budget', r, t, n, seeded} end
end
if eurpm >= 0 and tonumber(redis.call('GET', K[4]) or '0') >= eurpm then return {0, 'end_user_rpm', r, t, n, seeded} end
if par >= 0 and n >= par then return {0, 'parallel', r, t, n, seeded} end
if rpm >= 0 and r >= rpm then return {0, 'rpm', r, t, n, seeded} end
if tpm >= 0 and t > 0 and t + est > tpm then return {0, 'tpm', r, t, n, seeded} end
redis.call('HINCRBY', K[1], 'r', 1)
if est > 0 then redis.call('HINCRBY', K[1], 't', est) end
redis.call('PEXPIRE', K[1], A[8])
redis.call('ZADD', K[2], expires, A[6])
redis.call('PEXPIRE', K[2], expires - now + 60000)
if eurpm >= 0 then
  redis.call('INCR', K[4])
  redis.call('PEXPIRE', K[4], A[8])
end
return {1, '', r + 1, t + est, n + 1, seeded}
`,
};

/**
 * An end user's spend today before any instance counted it, read from the database by whichever instance
 * was told the day had no such figure yet. KEYS: the end user's day. The first figure wins.
 */
const END_USER_SEED: ScriptOp = {
  name: 'key_end_user_seed',
  keys: 1,
  lua: `
if redis.call('HGET', K[1], 'db') == '1' then return 0 end
if redis.call('EXISTS', K[1]) == 0 then
  redis.call('HSET', K[1], 's', 0)
  redis.call('PEXPIRE', K[1], A[2])
end
redis.call('HSET', K[1], 'b', A[1], 'db', 1)
return 1
`,
};

/**
 * Frees the slot, replaces the reservation with the tokens used and adds the cost. KEYS: in-flight set, the
 * ticket's minute, the current minute, the budget period's spend (added to only while it exists: a period
 * that began meanwhile starts from the database), the end user's day (likewise; A[6] = 1 when there is
 * one). A reservation stays in the minute it was made; a later minute only gets what went beyond it.
 */
const SETTLE: ScriptOp = {
  name: 'key_settle',
  keys: 5,
  lua: `
redis.call('ZREM', K[1], A[1])
local cost = tonumber(A[5])
if cost > 0 and redis.call('EXISTS', K[4]) == 1 then redis.call('INCRBYFLOAT', K[4], A[5]) end
if cost > 0 and A[6] == '1' and redis.call('EXISTS', K[5]) == 1 then redis.call('HINCRBYFLOAT', K[5], 's', A[5]) end
local reserved, actual = tonumber(A[2]), tonumber(A[3])
if K[2] == K[3] then
  if redis.call('EXISTS', K[2]) == 1 then
    local t = tonumber(redis.call('HGET', K[2], 't') or '0') + actual - reserved
    if t < 0 then t = 0 end
    redis.call('HSET', K[2], 't', t)
  end
elseif actual > reserved then
  redis.call('HINCRBY', K[3], 't', actual - reserved)
  redis.call('PEXPIRE', K[3], A[4])
end
return 1
`,
};

export interface RedisKeyCountersOptions {
  /** A slot is held at most this long (a request's whole deadline): then a dead instance's slot frees. */
  slotTtlMs: number;
  /** Most (key, end user) pairs kept in memory (END_USER_COUNTERS_MAX by default). */
  endUserMax?: number;
}

/**
 * Key limits shared by every instance through Redis: one script call per request admits or refuses it
 * atomically, so 3 instances at 10 rpm admit exactly 10 in a minute whatever the interleaving. Settling is
 * sent without waiting. With Redis away (or slower than its timeout) an instance admits on its own
 * counters with a fair share of each limit (limit / live instances, rounded up) and shares again as soon as
 * Redis answers.
 */
export class RedisKeyCounters implements KeyCounters {
  private readonly local: InMemoryKeyCounters;
  /** The last usage Redis reported per key (for `get`: the console's view, not admission). */
  private readonly seen = new Map<string, KeyUsage & { window: number }>();

  constructor(
    private readonly redis: SharedRedis,
    private readonly options: RedisKeyCountersOptions,
  ) {
    this.local = new InMemoryKeyCounters(options.endUserMax);
  }

  /** This instance's own per-end-user counters (Redis away, and the figures a new Redis day starts from). */
  get endUsers() {
    return this.local.endUsers;
  }

  get(keyId: string, nowMs: number): KeyUsage {
    const seen = this.seen.get(keyId);
    const window = Math.floor(nowMs / USAGE_WINDOW_MS);
    if (!seen || seen.window !== window) return this.local.get(keyId, nowMs);
    return seen;
  }

  admit(
    keyId: string,
    limits: KeyLimits,
    estimatedTokens: number,
    nowMs: number,
    budget?: KeyBudget | null,
    endUser?: EndUserLimits | null,
  ): KeyAdmission | Promise<KeyAdmission> {
    const estimate = Math.max(0, Math.ceil(estimatedTokens) || 0);
    // Nothing to share for a key without limits or budget: no round trip at all.
    if (limits.rpm === null && limits.tpm === null && limits.parallel === null && !budget && !endUser)
      return this.local.admit(keyId, limits, estimate, nowMs);
    if (!this.redis.usable) return this.admitLocally(keyId, limits, estimate, nowMs, endUser);
    const window = Math.floor(nowMs / USAGE_WINDOW_MS);
    const day = utcDay(nowMs);
    const ticketId = randomUUID();
    const known = endUser ? this.local.endUsers.spend(keyId, endUser.id, nowMs) : null;
    return this.redis.scripts
      .run<[number, string, number, number, number, number]>(
        ADMIT,
        [
          this.windowKey(keyId, window),
          this.inFlightKey(keyId),
          this.spendKey(keyId, budget?.period ?? 'none'),
          endUser ? this.endUserMinuteKey(keyId, window, endUser.id) : this.endUserNoneKey(keyId),
          endUser ? this.endUserDayKey(keyId, day, endUser.id) : this.endUserNoneKey(keyId),
        ],
        [
          limits.rpm ?? -1,
          limits.tpm ?? -1,
          limits.parallel ?? -1,
          estimate,
          nowMs,
          ticketId,
          nowMs + this.options.slotTtlMs,
          USAGE_WINDOW_MS * 2,
          budget ? budget.maxUsd : -1,
          budget ? budget.spentUsd : 0,
          // A period's spend outlives the period by a day; a total budget's is refreshed from the database
          // after a day without use.
          budget?.endsAtMs ? Math.max(60_000, budget.endsAtMs - nowMs + DAY_MS) : DAY_MS,
          endUser?.rpm ?? -1,
          endUser?.dailyBudgetUsd ?? -1,
          known?.usd ?? 0,
          known?.seeded ? 1 : 0,
          this.endUserDayTtl(day, nowMs),
        ],
      )
      .then(([ok, limit, requests, tokens, inFlight, seeded]): KeyAdmission => {
        const usage = { requests, tokens, inFlight, windowEndsAt: windowResetAt(nowMs) };
        this.seen.set(keyId, { ...usage, window });
        const endUserUnseeded = !!endUser && endUser.dailyBudgetUsd !== null && seeded !== 1;
        if (ok !== 1) return { ok: false, limit: limit as KeyLimitName, usage, endUserUnseeded };
        const shared = { id: ticketId, budgetPeriod: budget?.period ?? null };
        return {
          ok: true,
          ticket: { keyId, window, reservedTokens: estimate, shared, endUser: endUser?.id },
          endUserUnseeded,
        };
      })
      .catch((error: unknown) => {
        this.redis.failed(error);
        return this.admitLocally(keyId, limits, estimate, nowMs, endUser);
      });
  }

  settle(ticket: KeyTicket, actualTokens: number, nowMs: number, costUsd = 0): void {
    if (!ticket.shared) return this.local.settle(ticket, actualTokens, nowMs, costUsd);
    // This instance's own figure too: what it falls back on with Redis away.
    if (ticket.endUser !== undefined)
      this.local.endUsers.addSpend(ticket.keyId, ticket.endUser, nowMs, costUsd);
    const window = Math.floor(nowMs / USAGE_WINDOW_MS);
    // A slot Redis could not free (it is away) expires with its ticket.
    this.redis.scripts
      .runLater(
        SETTLE,
        [
          this.inFlightKey(ticket.keyId),
          this.windowKey(ticket.keyId, ticket.window),
          this.windowKey(ticket.keyId, window),
          this.spendKey(ticket.keyId, ticket.shared.budgetPeriod ?? 'none'),
          ticket.endUser !== undefined
            ? this.endUserDayKey(ticket.keyId, utcDay(nowMs), ticket.endUser)
            : this.endUserNoneKey(ticket.keyId),
        ],
        [
          ticket.shared.id,
          ticket.reservedTokens,
          Math.max(0, Math.ceil(actualTokens) || 0),
          USAGE_WINDOW_MS * 2,
          costUsd > 0 && Number.isFinite(costUsd) ? costUsd : 0,
          ticket.endUser !== undefined ? 1 : 0,
        ],
      )
      .catch((error: unknown) => this.redis.failed(error));
  }

  forget(keyId: string): void {
    this.local.forget(keyId);
    this.seen.delete(keyId);
  }

  /** Here and in Redis (unless another instance's figure got there first); sent with the next batch. */
  seedEndUserSpend(keyId: string, endUser: string, day: number, usd: number, nowMs: number): void {
    this.local.seedEndUserSpend(keyId, endUser, day, usd, nowMs);
    if (!this.redis.usable || day !== utcDay(nowMs)) return;
    this.redis.scripts
      .runLater(
        END_USER_SEED,
        [this.endUserDayKey(keyId, day, endUser)],
        [usd, this.endUserDayTtl(day, nowMs)],
      )
      .catch((error: unknown) => this.redis.failed(error));
  }

  /**
   * Redis away: this instance's own counters, with its fair share of each limit (an end user's daily
   * budget against the spend this instance knows of).
   */
  private admitLocally(
    keyId: string,
    limits: KeyLimits,
    estimate: number,
    nowMs: number,
    endUser?: EndUserLimits | null,
  ): KeyAdmission {
    const n = this.redis.instances;
    const share = (limit: number | null) => (limit === null ? null : Math.max(1, Math.ceil(limit / n)));
    return this.local.admit(
      keyId,
      { rpm: share(limits.rpm), tpm: share(limits.tpm), parallel: share(limits.parallel) },
      estimate,
      nowMs,
      null,
      endUser ? { ...endUser, rpm: share(endUser.rpm) } : null,
    );
  }

  /** An end user's day lives until an hour after it ended (a request settling past midnight finds it). */
  private endUserDayTtl(day: number, nowMs: number): number {
    return Math.max(60_000, (day + 1) * DAY_MS - nowMs + 3_600_000);
  }

  // One hash tag per key: both keys of a script land on the same Redis Cluster slot.
  private windowKey(keyId: string, window: number): string {
    return this.redis.key('key', `{${keyId}}`, 'm', window);
  }

  private spendKey(keyId: string, period: string): string {
    return this.redis.key('key', `{${keyId}}`, 'spend', period);
  }

  private endUserMinuteKey(keyId: string, window: number, endUser: string): string {
    return this.redis.key('key', `{${keyId}}`, 'eu', 'm', window, endUser);
  }

  private endUserDayKey(keyId: string, day: number, endUser: string): string {
    return this.redis.key('key', `{${keyId}}`, 'eu', 'd', day, endUser);
  }

  /** Stands in for the end-user keys of a request without an end user (the script does not touch it). */
  private endUserNoneKey(keyId: string): string {
    return this.redis.key('key', `{${keyId}}`, 'eu', 'none');
  }

  private inFlightKey(keyId: string): string {
    return this.redis.key('key', `{${keyId}}`, 'inflight');
  }
}
