import type { RoutingStrategyImpl } from './strategy.types';

/**
 * Next deployment after the last one picked, in id order, skipping unavailable ones. The cursor is the last
 * id rather than an index, so it stays meaningful when a registry swap adds or removes deployments.
 */
export const roundRobin: RoutingStrategyImpl = {
  pick(candidates, ctx) {
    const last = ctx.cursors.get(ctx.group.policy.name);
    let chosen = candidates[0];
    if (last !== undefined) {
      for (const d of candidates) {
        if (d.id > last) {
          chosen = d;
          break;
        }
      }
    }
    ctx.cursors.set(ctx.group.policy.name, chosen.id);
    return chosen;
  },
};
