import { expectedSplit, type RoutingStrategyName, type SplitMember as Member } from '@switchboard/contracts';

/** What the router knows about a deployment when it splits a group's traffic, and whether it is on. */
export interface SplitMember extends Member {
  enabled: boolean;
}

/**
 * The share of traffic each deployment should get under `strategy`: the router's own rule
 * (`expectedSplit` in libs/contracts, which the gateway reports as its expected split), so the console can
 * preview an edit before it is saved. Disabled deployments get nothing.
 */
export function previewSplit(strategy: RoutingStrategyName, all: SplitMember[]): Map<string, number> {
  const result = new Map<string, number>(all.map((m) => [m.id, 0]));
  for (const s of expectedSplit(
    strategy,
    all.filter((m) => m.enabled),
  ))
    result.set(s.deploymentId, s.share);
  return result;
}
