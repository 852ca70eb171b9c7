import type { RoutingStrategy } from '../routing.types';
import { leastBusy } from './least-busy.strategy';
import { lowestLatency } from './lowest-latency.strategy';
import { priority } from './priority.strategy';
import { roundRobin } from './round-robin.strategy';
import type { RoutingStrategyImpl } from './strategy.types';
import { usageBased } from './usage-based.strategy';
import { weightedShuffle } from './weighted-shuffle.strategy';

export type { PickContext, RoutingStrategyImpl } from './strategy.types';

// A Record over the union: adding a strategy name without an implementation fails to compile.
export const STRATEGIES: Readonly<Record<RoutingStrategy, RoutingStrategyImpl>> = {
  'weighted-shuffle': weightedShuffle,
  'round-robin': roundRobin,
  'least-busy': leastBusy,
  'lowest-latency': lowestLatency,
  'usage-based': usageBased,
  priority,
};
