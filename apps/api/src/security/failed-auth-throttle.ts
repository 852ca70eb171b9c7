import { Injectable } from '@nestjs/common';
import { LoginThrottle } from '../auth/login-throttle';
import { systemClock } from '../common/clock';

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
  private readonly throttle = new LoginThrottle(systemClock, {
    maxFailures: FAILED_AUTH_MAX,
    windowMs: FAILED_AUTH_WINDOW_MS,
  });

  /** Seconds until this address may present a new unknown credential, 0 when it may now. */
  retryAfterSeconds(address: string): number {
    return this.throttle.retryAfterSeconds(address);
  }

  recordFailure(address: string): void {
    this.throttle.recordFailure(address);
  }
}
