/** Where the time comes from: injected so tests pin it instead of sleeping past minute boundaries. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
