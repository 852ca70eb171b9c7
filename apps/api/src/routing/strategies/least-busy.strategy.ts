import { pickBest } from './pick-helpers';
import type { RoutingStrategyImpl } from './strategy.types';

/** Fewest requests in flight on this instance; ties drawn at random. */
export const leastBusy: RoutingStrategyImpl = {
  pick(candidates, ctx) {
    const inFlight = (id: string): number => ctx.state.inFlight(id);
    return pickBest(candidates, (a, b) => inFlight(a.id) - inFlight(b.id), ctx.random);
  },
};
