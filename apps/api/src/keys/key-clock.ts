/** The clock keys run on (expiry, grace periods, windows, budget resets): the app's CLOCK; tests stub its `now`. */
export const KEY_CLOCK = Symbol('KEY_CLOCK');
/** rpm/tpm/parallel counters behind an interface, so a shared (Redis) implementation can replace them. */
export const KEY_COUNTERS = Symbol('KEY_COUNTERS');
