import type { Redis } from 'ioredis';
import type { SharedRedis } from '../redis/shared-redis';
import {
  type DeploymentLimits,
  InMemoryUsageCounters,
  rpmFull,
  tpmFull,
  USAGE_WINDOW_MS,
  type UsageCounters,
  type UsageWindow,
} from './usage-counters';

/**
 * Checks a deployment's rpm/tpm on the shared minute and counts the request, atomically. KEYS: the
 * minute's hash (r = requests, t = tokens). Same rules as `rpmFull` and `tpmFull`.
 */
const RESERVE = `
local rpm, tpm, est = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local r = tonumber(redis.call('HGET', KEYS[1], 'r') or '0')
local t = tonumber(redis.call('HGET', KEYS[1], 't') or '0')
if rpm >= 0 and r >= rpm then return {0, r, t} end
if tpm >= 0 and (t >= tpm or (t > 0 and t + est > tpm)) then return {0, r, t} end
redis.call('HINCRBY', KEYS[1], 'r', 1)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {1, r + 1, t}
`;

type SharedCommands = Redis & {
  sbDeploymentReserve(...args: (string | number)[]): Promise<[number, number, number]>;
};

/**
 * Deployment rpm/tpm counted by every instance together (REDIS_URL): `reserve` is one script call per
 * attempt, so N instances send a deployment exactly its limit. Tokens are added after the answer without
 * waiting. The local view (`get`, for picking and the console) is what Redis said last for each deployment
 * plus this instance's own traffic since. With Redis away, each instance checks its own counts against its
 * fair share of every limit until Redis answers again.
 */
export class RedisUsageCounters implements UsageCounters {
  private readonly local = new InMemoryUsageCounters();
  private readonly client: SharedCommands;

  constructor(private readonly redis: SharedRedis) {
    this.client = redis.client as SharedCommands;
    this.client.defineCommand('sbDeploymentReserve', { numberOfKeys: 1, lua: RESERVE });
  }

  hit(deploymentId: string, nowMs: number): void {
    this.local.hit(deploymentId, nowMs);
  }

  addTokens(deploymentId: string, tokens: number, nowMs: number): void {
    if (!(tokens > 0)) return;
    this.local.addTokens(deploymentId, tokens, nowMs);
    if (!this.redis.usable) return;
    const key = this.windowKey(deploymentId, nowMs);
    this.client
      .multi()
      .hincrby(key, 't', Math.ceil(tokens))
      .pexpire(key, USAGE_WINDOW_MS * 2)
      .exec()
      .catch((error: unknown) => this.redis.failed(error));
  }

  get(deploymentId: string, nowMs: number): UsageWindow {
    return this.local.get(deploymentId, nowMs);
  }

  forget(deploymentId: string): void {
    this.local.forget(deploymentId);
  }

  async reserve(
    deploymentId: string,
    limits: DeploymentLimits,
    estimatedTokens: number,
    nowMs: number,
  ): Promise<boolean> {
    // Nothing to share for a deployment without limits: counted here only, no round trip.
    if (limits.rpm === null && limits.tpm === null) {
      this.local.hit(deploymentId, nowMs);
      return true;
    }
    if (this.redis.usable) {
      try {
        const [ok, rpm, tpm] = await this.client.sbDeploymentReserve(
          this.windowKey(deploymentId, nowMs),
          limits.rpm ?? -1,
          limits.tpm ?? -1,
          Math.max(0, Math.ceil(estimatedTokens) || 0),
          USAGE_WINDOW_MS * 2,
        );
        this.local.set(deploymentId, nowMs, rpm, tpm);
        return ok === 1;
      } catch (error) {
        this.redis.failed(error);
      }
    }
    // Redis away: this instance's own counts against its fair share.
    const n = this.redis.instances;
    const share = (limit: number | null) => (limit === null ? null : Math.max(1, Math.ceil(limit / n)));
    const used = this.local.get(deploymentId, nowMs);
    if (rpmFull(share(limits.rpm), used) || tpmFull(share(limits.tpm), used, estimatedTokens)) return false;
    this.local.hit(deploymentId, nowMs);
    return true;
  }

  private windowKey(deploymentId: string, nowMs: number): string {
    return this.redis.key('deployment', `{${deploymentId}}`, 'm', Math.floor(nowMs / USAGE_WINDOW_MS));
  }
}
