import type { Clock } from '../common/clock';

export const SESSION_COOKIE = 'sb_session';

export interface AdminAuthOptions {
  clock: Clock;
  /** How long a console session lasts; used after half of it, it is extended to the full length again. */
  sessionTtlMs: number;
  /** How long a session look-up is trusted before asking the database again (logout elsewhere shows up then). */
  sessionCacheMs: number;
  /** Added to every failed login, to slow guessing down. */
  failedLoginDelayMs: number;
  maxFailedLogins: number;
  failedLoginWindowMs: number;
}

/** Options of console sign-in; tests stub `clock.now`. */
export const ADMIN_AUTH_OPTIONS = Symbol('ADMIN_AUTH_OPTIONS');

export function defaultAdminAuthOptions(): AdminAuthOptions {
  return {
    clock: { now: () => Date.now() },
    sessionTtlMs: 12 * 3600_000,
    sessionCacheMs: 5_000,
    failedLoginDelayMs: 250,
    maxFailedLogins: 10,
    failedLoginWindowMs: 15 * 60_000,
  };
}
