import type { RoutedDeployment } from '../routing.types';
import { pickWeighted } from './pick-helpers';
import type { RoutingStrategyImpl } from './strategy.types';

function topPriority(deployments: readonly RoutedDeployment[]): number {
  let top = Infinity;
  for (const d of deployments) if (d.priority < top) top = d.priority;
  return top;
}

/**
 * The best (lowest) priority tier that has an available deployment; within a tier, weighted shuffle.
 * Lower tiers only see traffic while every deployment above them is cooling down or at its limit.
 */
export const priority: RoutingStrategyImpl = {
  pick(candidates, ctx) {
    const top = topPriority(candidates);
    const tier = candidates.every((d) => d.priority === top)
      ? candidates
      : candidates.filter((d) => d.priority === top);
    return pickWeighted(tier, (d) => ctx.group.weights.get(d.id) ?? 1, ctx.random);
  },
};
