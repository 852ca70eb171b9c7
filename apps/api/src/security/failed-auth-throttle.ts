import { Inject, Injectable } from '@nestjs/common';
import { LoginThrottle } from '../auth/login-throttle';
import { CLOCK, type Clock } from '../common/clock';
import { SHARED_REDIS } from '../redis/redis.module';
import type { SharedRedis } from '../redis/shared-redis';
import { SharedThrottleCounts } from '../redis/shared-throttle-counts';

/** Failed credential checks allowed per client address and window before it gets 429s. */
export const FAILED_AUTH_MAX = 20;
export const FAILED_AUTH_WINDOW_MS = 60_000;

/**
 * Per-address throttle on failed credential checks (wrong master key or admin token on /api, unknown
 * virtual key on /v1). Only failures are counted and checked: a valid credential is never slowed or refused
 * by it, so a mistyped key on a shared office address cannot lock out colleagues whose keys are right.
 */
@Injectable()
export class FailedAuthThrottle {
  private readonly throttle: LoginThrottle;

  constructor(@Inject(CLOCK) clock: Clock, @Inject(SHARED_REDIS) redis: SharedRedis | null) {
    this.throttle = new LoginThrottle(clock, {
      maxFailures: FAILED_AUTH_MAX,
      windowMs: FAILED_AUTH_WINDOW_MS,
      share: redis ? new SharedThrottleCounts(redis, 'failed-credential') : null,
    });
  }

  /** Seconds until this address may present a new unknown credential, 0 when it may now. */
  retryAfterSeconds(address: string): number {
    return this.throttle.retryAfterSeconds(address);
  }

  recordFailure(address: string): void {
    this.throttle.recordFailure(address);
  }
}
