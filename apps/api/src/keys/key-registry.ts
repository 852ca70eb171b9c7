import type { BudgetPeriod } from '@switchboard/contracts';
import { OpenAIError } from '../common/errors';
import type { Admission, GatewayAuth, Principal } from '../gateway/gateway-auth';
import type { Clock } from '../common/clock';
import { nextBudgetReset } from './budget-period';
import type { KeyAdmission, KeyBudget, KeyCounters, KeyLimitName, KeyTicket, KeyUsage } from './key-counters';
import { hashVirtualKey, VIRTUAL_KEY_PREFIX } from './key-secret';
import { DAY_MS, endUserOf, type EndUserLimits } from './end-user-counters';

/** What the data plane knows about a key: loaded from the database, never its plaintext. */
export interface GatewayKeyRecord {
  id: string;
  projectId: string;
  alias: string | null;
  prefix: string;
  keyHash: string;
  previousKeyHash: string | null;
  previousKeyExpiresAt: Date | null;
  models: string[];
  rpmLimit: number | null;
  tpmLimit: number | null;
  maxParallel: number | null;
  /** Per end user (the request's `user`): requests per minute and USD per UTC day; null = none. */
  endUserRpmLimit: number | null;
  endUserDailyBudgetUsd: number | null;
  maxBudgetUsd: number | null;
  budgetPeriod: BudgetPeriod | null;
  budgetResetAt: Date | null;
  periodSpendUsd: number;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export interface KeyRegistryOptions {
  masterKey: string;
  clock: Clock;
  counters: KeyCounters;
  /**
   * How long after a request ends its cost is assumed to be in the database (the request-log writer's
   * flush interval plus slack). Local spend older than that, counted from a reload's start, is dropped
   * on that reload because the reloaded `periodSpendUsd` already includes it.
   */
  spendSettleMs: number;
  /**
   * Asks for an end user's spend today to be read from the database (off the request path; the answer goes
   * to the counters' `seedEndUserSpend`). Called when the counters do not know it yet.
   */
  seedEndUser?: (keyId: string, endUser: string) => void;
}

type VirtualPrincipal = Extract<Principal, { kind: 'virtual' }>;

interface Entry {
  record: GatewayKeyRecord;
  principal: VirtualPrincipal;
  /** How messages name the key: its alias, else its display prefix. */
  label: string;
}

/** Spend released on this instance, bucketed per second so a busy key keeps a short list. */
interface SpendDelta {
  atMs: number;
  usd: number;
}

const MASTER: Principal = Object.freeze({ kind: 'master' });
const UNLIMITED: Admission = Object.freeze({ release: () => undefined });
const PERIOD_WORD: Record<Exclude<BudgetPeriod, 'total'>, string> = {
  daily: 'day',
  weekly: 'week',
  monthly: 'month',
};

/**
 * Virtual keys served from memory: `authenticate`, `canUseModel` and `admit` never touch the database.
 * The owner (VirtualKeyGatewayAuth) calls `replace` with a fresh load from the database; between loads,
 * rpm/tpm/parallel live in KeyCounters.
 *
 * Spend: the request-log writer adds each request's cost to `periodSpendUsd` in the database when it
 * flushes. Until a reload shows it, the cost released here is kept as a timestamped local delta on top of
 * the loaded value. A reload that started at R drops the deltas released before R - spendSettleMs (by
 * then flushed, so part of the loaded value) and keeps the newer ones. The error is one-sided: a cost may
 * be counted twice for about spendSettleMs (a key at its budget is refused a moment early), never missed
 * unless the log writer falls further behind than that. Other instances' spend arrives with each reload.
 */
export class KeyRegistry implements GatewayAuth {
  private readonly masterKeyHash: string;

  /**
   * SHA-256 of the presented token, computed per request (about a microsecond): keys are only ever held as
   * hashes, never as plaintext in a cache.
   */
  private hashOf(token: string): string {
    return hashVirtualKey(token);
  }

  private byHash = new Map<string, { entry: Entry; previous: boolean }>();
  private byId = new Map<string, Entry>();
  private readonly localSpend = new Map<string, SpendDelta[]>();
  private readonly localLastUsed = new Map<string, number>();
  /** Keys the counters may hold state for (to forget deleted ones). */
  private counterIds = new Set<string>();

  constructor(private readonly options: KeyRegistryOptions) {
    this.masterKeyHash = hashVirtualKey(options.masterKey);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Swaps in a fresh load. `loadStartedAtMs` is the clock reading taken before the query ran. */
  replace(records: readonly GatewayKeyRecord[], loadStartedAtMs: number): void {
    const byHash = new Map<string, { entry: Entry; previous: boolean }>();
    const byId = new Map<string, Entry>();
    for (const record of records) {
      const entry: Entry = {
        record,
        label: record.alias ?? record.prefix,
        principal: Object.freeze({
          kind: 'virtual',
          keyId: record.id,
          projectId: record.projectId,
          alias: record.alias,
          models: Object.freeze([...record.models]),
        }),
      };
      byId.set(record.id, entry);
      byHash.set(record.keyHash, { entry, previous: false });
      if (record.previousKeyHash) byHash.set(record.previousKeyHash, { entry, previous: true });
    }
    this.byHash = byHash;
    this.byId = byId;

    const settledBefore = loadStartedAtMs - this.options.spendSettleMs;
    for (const [id, deltas] of this.localSpend) {
      const kept = byId.has(id) ? deltas.filter((d) => d.atMs >= settledBefore) : [];
      if (kept.length) this.localSpend.set(id, kept);
      else this.localSpend.delete(id);
    }
    for (const [id, at] of this.localLastUsed) {
      const loaded = byId.get(id)?.record.lastUsedAt?.getTime() ?? null;
      if (!byId.has(id) || (loaded !== null && loaded >= at)) this.localLastUsed.delete(id);
    }
    for (const id of this.counterIds) if (!byId.has(id)) this.options.counters.forget(id);
    this.counterIds = new Set(byId.keys());
  }

  authenticate(token: string | null): Principal {
    const presented = token?.trim() ?? '';
    if (!presented) {
      throw authError(
        'Missing API key. Send your Switchboard virtual key (it starts with sk-sb-) as `Authorization: Bearer <key>`; in Dify, paste it into the API Key field of the model provider.',
        'missing_api_key',
      );
    }
    // Comparing SHA-256 digests: no timing side channel on the key itself, and the digest is cached.
    const hash = this.hashOf(presented);
    if (hash === this.masterKeyHash) return MASTER;
    const hit = this.byHash.get(hash);
    if (!hit) {
      throw authError(
        `Invalid API key. Check the key in your app's model provider settings (Switchboard virtual keys start with ${VIRTUAL_KEY_PREFIX}).`,
      );
    }
    const { record } = hit.entry;
    const now = this.options.clock.now();
    if (record.revokedAt) throw authError(`This API key was revoked on ${formatUtc(record.revokedAt)}.`);
    if (hit.previous && !(record.previousKeyExpiresAt && record.previousKeyExpiresAt.getTime() > now)) {
      const when = record.previousKeyExpiresAt ? ` on ${formatUtc(record.previousKeyExpiresAt)}` : '';
      throw authError(
        `This API key was replaced by a new one and stopped working${when}. Put the new key into your app's model provider settings.`,
      );
    }
    if (record.expiresAt && record.expiresAt.getTime() <= now) {
      throw authError(`This API key expired on ${formatUtc(record.expiresAt)}.`);
    }
    return hit.entry.principal;
  }

  /**
   * A key picked by id instead of presented (the console's playground, an admin route): the refusals of
   * `authenticate` for a revoked or expired key, with no secret involved. Null when no such key is loaded.
   * The data plane never calls this: a /v1 client can only present a secret.
   */
  principalById(
    keyId: string,
  ):
    | { ok: true; principal: Principal }
    | { ok: false; reason: 'revoked' | 'expired'; message: string }
    | null {
    const entry = this.byId.get(keyId);
    if (!entry) return null;
    const { record, label } = entry;
    if (record.revokedAt) {
      return {
        ok: false,
        reason: 'revoked',
        message: `Key '${label}' was revoked on ${formatUtc(record.revokedAt)}.`,
      };
    }
    if (record.expiresAt && record.expiresAt.getTime() <= this.options.clock.now()) {
      return {
        ok: false,
        reason: 'expired',
        message: `Key '${label}' expired on ${formatUtc(record.expiresAt)}.`,
      };
    }
    return { ok: true, principal: entry.principal };
  }

  canUseModel(principal: Principal, modelGroup: string): boolean {
    return (
      principal.kind === 'master' || principal.models.length === 0 || principal.models.includes(modelGroup)
    );
  }

  admit(
    principal: Principal,
    modelGroup: string,
    estimatedTokens: number,
    user?: unknown,
  ): Admission | Promise<Admission> {
    if (principal.kind === 'master') return UNLIMITED;
    const entry = this.byId.get(principal.keyId);
    if (!entry) throw authError('Invalid API key. It was deleted; ask your Switchboard admin for a new one.');
    const { record, label } = entry;
    if (!this.canUseModel(entry.principal, modelGroup)) {
      throw new OpenAIError(
        403,
        'permission_error',
        `model '${modelGroup}' is not allowed for key '${label}'. Allowed: ${record.models.join(', ')}.`,
        'model_not_allowed',
        'model',
      );
    }

    const { clock, counters } = this.options;
    const now = clock.now();
    let budget: KeyBudget | null = null;
    if (record.maxBudgetUsd !== null) {
      const spentUsd = this.periodSpendAt(entry, now);
      if (spentUsd >= record.maxBudgetUsd) throw budgetExceeded(record, label, now);
      // Shared counters check it again against what every instance has spent.
      const endsAtMs = record.budgetResetAt?.getTime() ?? null;
      budget = { maxUsd: record.maxBudgetUsd, spentUsd, period: String(endsAtMs ?? 'total'), endsAtMs };
    }
    const estimate = Math.max(0, Math.ceil(estimatedTokens) || 0);
    const limits = { rpm: record.rpmLimit, tpm: record.tpmLimit, parallel: record.maxParallel };
    const endUser = endUserLimits(record, user);
    const decided = counters.admit(record.id, limits, estimate, now, budget, endUser);
    const admitted = (result: KeyAdmission): Admission => {
      if (result.endUserUnseeded && endUser) this.options.seedEndUser?.(record.id, endUser.id);
      if (!result.ok) {
        if (result.limit === 'budget') throw budgetExceeded(record, label, clock.now());
        if (result.limit === 'end_user_budget' || result.limit === 'end_user_rpm')
          throw endUserLimitReached(record, label, endUser?.id ?? '', result.limit, clock.now());
        throw keyLimitReached(record, label, result.limit, result.usage, estimate, clock.now());
      }
      return this.slot(record.id, result.ticket);
    };
    return decided instanceof Promise ? decided.then(admitted) : admitted(decided);
  }

  /** The admitted request's slot: `release` settles its tokens and adds its cost, once. */
  private slot(keyId: string, ticket: KeyTicket): Admission {
    const { clock, counters } = this.options;
    this.localLastUsed.set(keyId, clock.now());
    let released = false;
    return {
      release: ({ totalTokens, costUsd }) => {
        if (released) return;
        released = true;
        const at = clock.now();
        counters.settle(ticket, totalTokens, at, costUsd);
        this.addSpend(keyId, costUsd, at);
        this.localLastUsed.set(keyId, at);
      },
    };
  }

  /** Spend in the key's current budget period as this instance sees it (loaded value + local deltas). */
  periodSpendUsd(keyId: string): number | null {
    const entry = this.byId.get(keyId);
    return entry ? this.periodSpendAt(entry, this.options.clock.now()) : null;
  }

  /** The later of the loaded `lastUsedAt` and the last use on this instance. */
  lastUsedAt(keyId: string): Date | null {
    const loaded = this.byId.get(keyId)?.record.lastUsedAt ?? null;
    const local = this.localLastUsed.get(keyId);
    if (local === undefined) return loaded;
    return loaded && loaded.getTime() >= local ? loaded : new Date(local);
  }

  private periodSpendAt(entry: Entry, now: number): number {
    const { record } = entry;
    const deltas = this.localSpend.get(record.id) ?? [];
    const resetAt = record.budgetResetAt?.getTime();
    // Past the reset but before the database has been reset and reloaded: a new period has begun.
    const periodStart = resetAt !== undefined && now >= resetAt ? resetAt : null;
    let total = periodStart === null ? record.periodSpendUsd : 0;
    for (const d of deltas) if (periodStart === null || d.atMs >= periodStart) total += d.usd;
    return total;
  }

  private addSpend(keyId: string, usd: number, atMs: number): void {
    if (!(usd > 0)) return;
    const second = Math.floor(atMs / 1000) * 1000;
    const deltas = this.localSpend.get(keyId);
    if (!deltas) {
      this.localSpend.set(keyId, [{ atMs, usd }]);
      return;
    }
    const last = deltas[deltas.length - 1];
    // Merge into the same second, taking the later time: dropped a little late (counted twice for a
    // moment) rather than too early (not counted at all).
    if (last && Math.floor(last.atMs / 1000) * 1000 === second) {
      last.usd += usd;
      last.atMs = atMs;
    } else deltas.push({ atMs, usd });
  }
}

/** The key's per-end-user limits for this request, or null (no `user`, or no such limits on the key). */
function endUserLimits(record: GatewayKeyRecord, user: unknown): EndUserLimits | null {
  if (record.endUserRpmLimit === null && record.endUserDailyBudgetUsd === null) return null;
  const id = endUserOf(user);
  return id === null
    ? null
    : { id, rpm: record.endUserRpmLimit, dailyBudgetUsd: record.endUserDailyBudgetUsd };
}

/**
 * The 429 for a per-end-user limit: the same type as the key's own limit of that kind, a code of its own,
 * and a message that names this end user's limit only.
 */
function endUserLimitReached(
  record: GatewayKeyRecord,
  label: string,
  endUser: string,
  limit: 'end_user_rpm' | 'end_user_budget',
  now: number,
): OpenAIError {
  const who = `end user '${endUser.length > 64 ? `${endUser.slice(0, 64)}…` : endUser}'`;
  if (limit === 'end_user_rpm') {
    const retryAfter = Math.max(1, Math.ceil((Math.floor(now / 60_000) * 60_000 + 60_000 - now) / 1000));
    return new OpenAIError(
      429,
      'rate_limit_error',
      `Rate limit reached for ${who} on key '${label}': ${record.endUserRpmLimit} requests per minute per end user (endUserRpmLimit). Retry in ${retryAfter} s.`,
      'end_user_rate_limit_exceeded',
      null,
      { 'retry-after': String(retryAfter) },
    );
  }
  const resetsAt = new Date((Math.floor(now / DAY_MS) + 1) * DAY_MS);
  return new OpenAIError(
    429,
    'insufficient_quota',
    `Daily budget of ${formatUsd(record.endUserDailyBudgetUsd ?? 0)} per end user used up for ${who} on key '${label}' (endUserDailyBudgetUsd); resets at ${formatUtc(resetsAt)}.`,
    'end_user_budget_exceeded',
  );
}

function authError(message: string, code = 'invalid_api_key'): OpenAIError {
  return new OpenAIError(401, 'authentication_error', message, code);
}

function rateLimited(message: string, retryAfterSeconds: number): OpenAIError {
  return new OpenAIError(429, 'rate_limit_error', message, 'rate_limit_exceeded', null, {
    'retry-after': String(retryAfterSeconds),
  });
}

function budgetExceeded(record: GatewayKeyRecord, label: string, now: number): OpenAIError {
  const budget = formatUsd(record.maxBudgetUsd ?? 0);
  const period = record.budgetPeriod;
  const message =
    period === null || period === 'total' || !record.budgetResetAt
      ? `Budget of ${budget} used up for key '${label}'; it is a total budget and does not reset. Ask your Switchboard admin to raise it.`
      : `Budget of ${budget} per ${PERIOD_WORD[period]} used up for key '${label}'; resets at ${formatUtc(nextResetAfter(record.budgetResetAt, period, now))}.`;
  return new OpenAIError(429, 'insufficient_quota', message, 'insufficient_quota');
}

/** The stored reset time, unless it already passed (the reset job has not run yet). */
function nextResetAfter(resetAt: Date, period: BudgetPeriod, now: number): Date {
  return resetAt.getTime() > now ? resetAt : (nextBudgetReset(period, now) ?? resetAt);
}

/** `2025-01-31 17:05 UTC`: unambiguous for someone reading an error in Dify. */
export function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function formatUsd(usd: number): string {
  return Number.isInteger(Math.round(usd * 100 * 1e6) / 1e6) ? `$${usd.toFixed(2)}` : `$${usd}`;
}

/** The 429 for a key limit, with the message and Retry-After each limit calls for. */
function keyLimitReached(
  record: GatewayKeyRecord,
  label: string,
  limit: Exclude<KeyLimitName, 'budget' | 'end_user_rpm' | 'end_user_budget'>,
  usage: KeyUsage,
  estimate: number,
  now: number,
): OpenAIError {
  const retryAfter = Math.max(1, Math.ceil((usage.windowEndsAt - now) / 1000));
  switch (limit) {
    case 'parallel':
      return rateLimited(
        `Too many parallel requests for key '${label}': at most ${record.maxParallel} at a time (maxParallel). Retry when one of them has finished.`,
        1,
      );
    case 'rpm':
      return rateLimited(
        `Rate limit reached for key '${label}': ${record.rpmLimit} requests per minute (rpmLimit). Retry in ${retryAfter} s.`,
        retryAfter,
      );
    case 'tpm':
      return rateLimited(
        `Rate limit reached for key '${label}': ${record.tpmLimit} tokens per minute (tpmLimit); ${usage.tokens} used this minute and this request needs about ${estimate}. Retry in ${retryAfter} s.`,
        retryAfter,
      );
  }
}
