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

/**
 * Checks every limit of a key and takes the slot in one atomic step. KEYS: the minute's hash (r = requests,
 * t = tokens), the in-flight set (ticket → expiry), the budget period's spend. Expired tickets (an instance
 * that died mid-request) are dropped first, so a crashed instance cannot hold a key's parallel slots for
 * ever. The period's spend starts from what the admitting instance knows (the database's figure and its
 * own since) and from then on every instance adds its costs to it.
 */
const ADMIT: ScriptOp = {
  name: 'key_admit',
  keys: 3,
  lua: `
local rpm, tpm, par = tonumber(A[1]), tonumber(A[2]), tonumber(A[3])
local est, now, expires = tonumber(A[4]), tonumber(A[5]), tonumber(A[7])
local budget = tonumber(A[9])
redis.call('ZREMRANGEBYSCORE', K[2], '-inf', now)
local n = redis.call('ZCARD', K[2])
local r = tonumber(redis.call('HGET', K[1], 'r') or '0')
local t = tonumber(redis.call('HGET', K[1], 't') or '0')
if budget >= 0 then
  local spent = redis.call('GET', K[3])
  if not spent then
    redis.call('SET', K[3], A[10], 'PX', A[11])
    spent = A[10]
  end
  if tonumber(spent) >= budget then return {0, 'budget', r, t, n} end
end
if par >= 0 and n >= par then return {0, 'parallel', r, t, n} end
if rpm >= 0 and r >= rpm then return {0, 'rpm', r, t, n} end
if tpm >= 0 and t > 0 and t + est > tpm then return {0, 'tpm', r, t, n} end
redis.call('HINCRBY', K[1], 'r', 1)
if est > 0 then redis.call('HINCRBY', K[1], 't', est) end
redis.call('PEXPIRE', K[1], A[8])
redis.call('ZADD', K[2], expires, A[6])
redis.call('PEXPIRE', K[2], expires - now + 60000)
return {1, '', r + 1, t + est, n + 1}
`,
};

/**
 * Frees the slot, replaces the reservation with the tokens used and adds the cost. KEYS: in-flight set, the
 * ticket's minute, the current minute, the budget period's spend (added to only while it exists: a period
 * that began meanwhile starts from the database). A reservation stays in the minute it was made; a later
 * minute only gets what went beyond it.
 */
const SETTLE: ScriptOp = {
  name: 'key_settle',
  keys: 4,
  lua: `
redis.call('ZREM', K[1], A[1])
local cost = tonumber(A[5])
if cost > 0 and redis.call('EXISTS', K[4]) == 1 then redis.call('INCRBYFLOAT', K[4], A[5]) end
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

const DAY_MS = 86_400_000;

export interface RedisKeyCountersOptions {
  /** A slot is held at most this long (a request's whole deadline): then a dead instance's slot frees. */
  slotTtlMs: number;
}

/**
 * Key limits shared by every instance through Redis: one script call per request admits or refuses it
 * atomically, so 3 instances at 10 rpm admit exactly 10 in a minute whatever the interleaving. Settling is
 * sent without waiting. With Redis away (or slower than its timeout) an instance admits on its own
 * counters with a fair share of each limit (limit / live instances, rounded up) and shares again as soon as
 * Redis answers.
 */
export class RedisKeyCounters implements KeyCounters {
  private readonly local = new InMemoryKeyCounters();
  /** The last usage Redis reported per key (for `get`: the console's view, not admission). */
  private readonly seen = new Map<string, KeyUsage & { window: number }>();

  constructor(
    private readonly redis: SharedRedis,
    private readonly options: RedisKeyCountersOptions,
  ) {}

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
  ): KeyAdmission | Promise<KeyAdmission> {
    const estimate = Math.max(0, Math.ceil(estimatedTokens) || 0);
    // Nothing to share for a key without limits or budget: no round trip at all.
    if (limits.rpm === null && limits.tpm === null && limits.parallel === null && !budget)
      return this.local.admit(keyId, limits, estimate, nowMs);
    if (!this.redis.usable) return this.admitLocally(keyId, limits, estimate, nowMs);
    const window = Math.floor(nowMs / USAGE_WINDOW_MS);
    const ticketId = randomUUID();
    return this.redis.scripts
      .run<[number, string, number, number, number]>(
        ADMIT,
        [
          this.windowKey(keyId, window),
          this.inFlightKey(keyId),
          this.spendKey(keyId, budget?.period ?? 'none'),
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
        ],
      )
      .then(([ok, limit, requests, tokens, inFlight]): KeyAdmission => {
        const usage = { requests, tokens, inFlight, windowEndsAt: windowResetAt(nowMs) };
        this.seen.set(keyId, { ...usage, window });
        if (ok !== 1) return { ok: false, limit: limit as KeyLimitName, usage };
        const shared = { id: ticketId, budgetPeriod: budget?.period ?? null };
        return { ok: true, ticket: { keyId, window, reservedTokens: estimate, shared } };
      })
      .catch((error: unknown) => {
        this.redis.failed(error);
        return this.admitLocally(keyId, limits, estimate, nowMs);
      });
  }

  settle(ticket: KeyTicket, actualTokens: number, nowMs: number, costUsd = 0): void {
    if (!ticket.shared) return this.local.settle(ticket, actualTokens, nowMs);
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
        ],
        [
          ticket.shared.id,
          ticket.reservedTokens,
          Math.max(0, Math.ceil(actualTokens) || 0),
          USAGE_WINDOW_MS * 2,
          costUsd > 0 && Number.isFinite(costUsd) ? costUsd : 0,
        ],
      )
      .catch((error: unknown) => this.redis.failed(error));
  }

  forget(keyId: string): void {
    this.local.forget(keyId);
    this.seen.delete(keyId);
  }

  /** Redis away: this instance's own counters, with its fair share of each limit. */
  private admitLocally(keyId: string, limits: KeyLimits, estimate: number, nowMs: number): KeyAdmission {
    const n = this.redis.instances;
    const share = (limit: number | null) => (limit === null ? null : Math.max(1, Math.ceil(limit / n)));
    return this.local.admit(
      keyId,
      { rpm: share(limits.rpm), tpm: share(limits.tpm), parallel: share(limits.parallel) },
      estimate,
      nowMs,
    );
  }

  // One hash tag per key: both keys of a script land on the same Redis Cluster slot.
  private windowKey(keyId: string, window: number): string {
    return this.redis.key('key', `{${keyId}}`, 'm', window);
  }

  private spendKey(keyId: string, period: string): string {
    return this.redis.key('key', `{${keyId}}`, 'spend', period);
  }

  private inFlightKey(keyId: string): string {
    return this.redis.key('key', `{${keyId}}`, 'inflight');
  }
}
