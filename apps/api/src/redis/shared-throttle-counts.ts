import type { ThrottleShare } from '../auth/login-throttle';
import type { SharedRedis } from './shared-redis';

/** One failure more on the shared count; its first failure starts the window (the key's expiry). */
const ADD = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}
`;

type SharedCommands = SharedRedis['client'] & {
  sbThrottleAdd(key: string, windowMs: number): Promise<[number, number]>;
};

/**
 * Failure counts of a throttle (sign-in, unknown keys) shared by every instance through Redis, per client
 * address. Writes are fire-and-forget from the throttle's point of view; with Redis away each instance
 * keeps counting on its own.
 */
export class SharedThrottleCounts implements ThrottleShare {
  private readonly client: SharedCommands;

  constructor(
    private readonly redis: SharedRedis,
    private readonly name: string,
  ) {
    this.client = redis.client as SharedCommands;
    this.client.defineCommand('sbThrottleAdd', { numberOfKeys: 1, lua: ADD });
  }

  async add(
    address: string,
    windowMs: number,
    nowMs: number,
  ): Promise<{ count: number; firstAtMs: number } | null> {
    if (!this.redis.usable) return null;
    try {
      const [count, ttl] = await this.client.sbThrottleAdd(this.key(address), windowMs);
      return { count, firstAtMs: nowMs + Math.max(0, ttl) - windowMs };
    } catch (error) {
      this.redis.failed(error);
      return null;
    }
  }

  clear(address: string): void {
    if (!this.redis.usable) return;
    this.client.del(this.key(address)).catch((error: unknown) => this.redis.failed(error));
  }

  private key(address: string): string {
    return this.redis.key('throttle', this.name, address);
  }
}
