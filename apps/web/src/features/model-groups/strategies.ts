import type { RoutingStrategyName } from '@switchboard/contracts';

interface StrategyInfo {
  label: string;
  /** One line an operator can act on: what the router does with the group's deployments. */
  explanation: string;
  /** What the per-deployment numbers in the split editor mean under this strategy. */
  uses: 'weight' | 'priority' | 'none';
}

export const STRATEGY_INFO: Record<RoutingStrategyName, StrategyInfo> = {
  'weighted-shuffle': {
    label: 'Weighted shuffle',
    explanation:
      'Picks at random in proportion to each deployment’s weight (or to their rpm / tpm limits when no weight is set).',
    uses: 'weight',
  },
  'round-robin': {
    label: 'Round robin',
    explanation:
      'Takes turns: each available deployment gets the next request in order, so all get an equal share.',
    uses: 'none',
  },
  'least-busy': {
    label: 'Least busy',
    explanation: 'Sends each request to the deployment with the fewest requests in flight right now.',
    uses: 'none',
  },
  'lowest-latency': {
    label: 'Lowest latency',
    explanation:
      'Sends traffic to the deployment with the lowest measured latency (time to first token for streams).',
    uses: 'none',
  },
  'usage-based': {
    label: 'Usage based',
    explanation: 'Sends each request to the deployment with the most rpm / tpm headroom left this minute.',
    uses: 'none',
  },
  priority: {
    label: 'Priority',
    explanation:
      'Uses the lowest priority number first (weights split traffic within it); higher numbers only take over while those are cooling down or at their limits.',
    uses: 'priority',
  },
};

/** Why the weights do not decide the split under strategies that ignore them. */
export function ignoredWeightsNote(strategy: RoutingStrategyName): string | null {
  switch (strategy) {
    case 'round-robin':
    case 'least-busy':
      return 'This strategy ignores weights: the preview shows an even split. Weights are kept for when you switch back.';
    case 'lowest-latency':
      return 'This strategy ignores weights: the fastest measured deployment takes the traffic.';
    case 'usage-based':
      return 'This strategy ignores weights: the split follows rpm / tpm limits.';
    case 'weighted-shuffle':
    case 'priority':
      return null;
  }
}
