import type { SharedRedis } from '../redis/shared-redis';
import type { ScriptOp } from '../redis/shared-scripts';
import type { RoutedDeployment } from './routing.types';
import {
  type DeploymentLimits,
  InMemoryUsageCounters,
  rpmFull,
  tpmFull,
  USAGE_WINDOW_MS,
  type UsageCounters,
  type UsageWindow,
} from './usage-counters';

// The rules of `rpmFull` and `tpmFull`, in Lua (-1: no limit).
const FULL = `
local function full(rpm, tpm, est, r, t)
  if rpm >= 0 and r >= rpm then return true end
  return tpm >= 0 and (t >= tpm or (t > 0 and t + est > tpm))
end`;

/**
 * Checks a deployment's rpm/tpm on the shared minute and counts the request, atomically. K: the minute's
 * hash (r = requests, t = tokens). A: rpm, tpm, estimated tokens, key lifetime. Returns {ok, r, t}.
 */
const RESERVE: ScriptOp = {
  name: 'deployment_reserve',
  keys: 1,
  lua: `${FULL}
local rpm, tpm, est = tonumber(A[1]), tonumber(A[2]), tonumber(A[3])
local r = tonumber(redis.call('HGET', K[1], 'r') or '0')
local t = tonumber(redis.call('HGET', K[1], 't') or '0')
if full(rpm, tpm, est, r, t) then return {0, r, t} end
redis.call('HINCRBY', K[1], 'r', 1)
redis.call('PEXPIRE', K[1], A[4])
return {1, r + 1, t}`,
};

/**
 * Round robin shared by every instance: the group's cursor (the id picked last) lives in Redis, and the
 * next candidate after it (by id, wrapping) that has room is counted and becomes the cursor, in one step.
 * K: the cursor, then each candidate's minute. A: estimated tokens, minute lifetime, then per candidate
 * id, rpm, tpm (-1: none). Returns {index (1-based; 0 = all full), r, t}.
 */
const CLAIM_NEXT: ScriptOp = {
  name: 'deployment_claim_next',
  keys: 'variable',
  lua: `${FULL}
local est, ttl = tonumber(A[1]), A[2]
local n = #K - 1
local last = redis.call('GET', K[1]) or ''
local start = 1
for i = 1, n do
  if A[3 * i] > last then start = i break end
end
for step = 0, n - 1 do
  local i = (start - 1 + step) % n + 1
  local r = tonumber(redis.call('HGET', K[i + 1], 'r') or '0')
  local t = tonumber(redis.call('HGET', K[i + 1], 't') or '0')
  if not full(tonumber(A[3 * i + 1]), tonumber(A[3 * i + 2]), est, r, t) then
    redis.call('HINCRBY', K[i + 1], 'r', 1)
    redis.call('PEXPIRE', K[i + 1], ttl)
    redis.call('SET', K[1], A[3 * i], 'PX', 86400000)
    return {i, r + 1, t}
  end
end
return {0, 0, 0}`,
};

/** Adds tokens used (A[1]) to the minute K[1]; or, with A[2] = -1, takes back a reservation not used. */
const ADD: ScriptOp = {
  name: 'deployment_add',
  keys: 1,
  lua: `
if tonumber(A[2]) < 0 then
  if tonumber(redis.call('HGET', K[1], 'r') or '0') > 0 then redis.call('HINCRBY', K[1], 'r', -1) end
  return 0
end
redis.call('HINCRBY', K[1], 't', A[1])
redis.call('PEXPIRE', K[1], A[3])
return 1`,
};

/**
 * Deployment rpm/tpm counted by every instance together (REDIS_URL). `reserve` is one script operation per
 * attempt (sent in the same command as the key's admission when they leave together), so N instances send a
 * deployment exactly its limit; round-robin groups pick in Redis (`claimNext`), so the rotation is one for
 * every instance. Tokens are added after the answer without waiting. The local view (`get`, for picking)
 * is what Redis said last for each deployment plus this instance's own traffic since; `own` is this
 * instance's traffic alone (what it reports to the others for the console). With Redis away, each instance
 * checks its own counts against its fair share of every limit until Redis answers again.
 */
export class RedisUsageCounters implements UsageCounters {
  private readonly local = new InMemoryUsageCounters();
  /** Only what this instance sent (the console sums every instance's). */
  readonly own = new InMemoryUsageCounters();

  constructor(private readonly redis: SharedRedis) {}

  hit(deploymentId: string, nowMs: number): void {
    this.local.hit(deploymentId, nowMs);
    this.own.hit(deploymentId, nowMs);
  }

  addTokens(deploymentId: string, tokens: number, nowMs: number): void {
    if (!(tokens > 0)) return;
    this.local.addTokens(deploymentId, tokens, nowMs);
    this.own.addTokens(deploymentId, tokens, nowMs);
    if (!this.redis.usable) return;
    this.redis.scripts
      .runLater(ADD, [this.windowKey(deploymentId, nowMs)], [Math.ceil(tokens), 0, USAGE_WINDOW_MS * 2])
      .catch((error: unknown) => this.redis.failed(error));
  }

  get(deploymentId: string, nowMs: number): UsageWindow {
    return this.local.get(deploymentId, nowMs);
  }

  /**
   * Every instance's count this minute, as published (RedisDeploymentState): the local view takes it when
   * it is higher, so `usage-based` and the limit pre-check see the others' traffic to deployments without
   * limits too (those are not counted in Redis per request).
   */
  observe(deploymentId: string, nowMs: number, totals: UsageWindow): void {
    const seen = this.local.get(deploymentId, nowMs);
    if (totals.rpm > seen.rpm || totals.tpm > seen.tpm)
      this.local.set(deploymentId, nowMs, Math.max(seen.rpm, totals.rpm), Math.max(seen.tpm, totals.tpm));
  }

  forget(deploymentId: string): void {
    this.local.forget(deploymentId);
    this.own.forget(deploymentId);
  }

  async reserve(
    deploymentId: string,
    limits: DeploymentLimits,
    estimatedTokens: number,
    nowMs: number,
  ): Promise<boolean> {
    // Nothing to share for a deployment without limits: counted here only, no round trip.
    if (limits.rpm === null && limits.tpm === null) {
      this.hit(deploymentId, nowMs);
      return true;
    }
    if (this.redis.usable) {
      try {
        const [ok, rpm, tpm] = await this.redis.scripts.run<[number, number, number]>(
          RESERVE,
          [this.windowKey(deploymentId, nowMs)],
          [
            limits.rpm ?? -1,
            limits.tpm ?? -1,
            Math.max(0, Math.ceil(estimatedTokens) || 0),
            USAGE_WINDOW_MS * 2,
          ],
        );
        this.local.set(deploymentId, nowMs, rpm, tpm);
        if (ok === 1) this.own.hit(deploymentId, nowMs);
        return ok === 1;
      } catch (error) {
        this.redis.failed(error);
      }
    }
    return this.reserveLocally(deploymentId, limits, estimatedTokens, nowMs);
  }

  unreserve(deploymentId: string, limits: DeploymentLimits, reservedAtMs: number): void {
    this.local.hit(deploymentId, reservedAtMs, -1);
    this.own.hit(deploymentId, reservedAtMs, -1);
    if ((limits.rpm === null && limits.tpm === null) || !this.redis.usable) return;
    this.redis.scripts
      .run(ADD, [this.windowKey(deploymentId, reservedAtMs)], [0, -1, 0])
      .catch((error: unknown) => this.redis.failed(error));
  }

  async claimNext(
    group: string,
    candidates: readonly RoutedDeployment[],
    estimatedTokens: number,
    nowMs: number,
  ): Promise<RoutedDeployment | null | undefined> {
    if (this.redis.usable) {
      const keys = [this.redis.key('cursor', group)];
      const args: (string | number)[] = [Math.max(0, Math.ceil(estimatedTokens) || 0), USAGE_WINDOW_MS * 2];
      for (const d of candidates) {
        keys.push(this.windowKey(d.id, nowMs));
        args.push(d.id, d.rpmLimit ?? -1, d.tpmLimit ?? -1);
      }
      try {
        const [index, rpm, tpm] = await this.redis.scripts.run<[number, number, number]>(
          CLAIM_NEXT,
          keys,
          args,
        );
        const chosen = index > 0 ? candidates[index - 1] : null;
        if (chosen) {
          this.local.set(chosen.id, nowMs, rpm, tpm);
          this.own.hit(chosen.id, nowMs);
        }
        return chosen;
      } catch (error) {
        this.redis.failed(error);
      }
    }
    // Redis away: the router rotates on its own cursor and reserves each pick at its fair share.
    return undefined;
  }

  /** Redis away: this instance's own counts against its fair share. */
  private reserveLocally(
    deploymentId: string,
    limits: DeploymentLimits,
    estimatedTokens: number,
    nowMs: number,
  ) {
    const n = this.redis.instances;
    const share = (limit: number | null) => (limit === null ? null : Math.max(1, Math.ceil(limit / n)));
    const used = this.local.get(deploymentId, nowMs);
    if (rpmFull(share(limits.rpm), used) || tpmFull(share(limits.tpm), used, estimatedTokens)) return false;
    this.hit(deploymentId, nowMs);
    return true;
  }

  private windowKey(deploymentId: string, nowMs: number): string {
    return this.redis.key('deployment', deploymentId, 'm', Math.floor(nowMs / USAGE_WINDOW_MS));
  }
}
