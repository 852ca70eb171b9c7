import { pickWeighted } from './pick-helpers';
import type { RoutingStrategyImpl } from './strategy.types';

/**
 * Random draw proportional to the group's resolved weights (explicit weights, else rpm or tpm limits, else
 * uniform; see `shuffleWeights`). Weight 0 marks a standby: only used when nothing weighted is available.
 */
export const weightedShuffle: RoutingStrategyImpl = {
  pick: (candidates, ctx) => pickWeighted(candidates, (d) => ctx.group.weights.get(d.id) ?? 1, ctx.random),
};
