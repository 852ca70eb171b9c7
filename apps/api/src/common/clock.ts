/** Where the time comes from: injected so tests pin it instead of sleeping past minute boundaries. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Returns a number in [0, 1). */
export type RandomSource = () => number;

/**
 * The app's clock and randomness as injection tokens (AppModule provides them): the router, keys, sessions
 * and throttles all read time from CLOCK, so a test pins one object instead of sleeping past a minute.
 */
export const CLOCK = Symbol('CLOCK');
export const RANDOM = Symbol('RANDOM');
