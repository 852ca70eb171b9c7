import type { DeploymentStateStore } from '../deployment-state';
import type { ExpectedShare, RoutedDeployment } from '../routing.types';
import { equalShares, pickBest } from './pick-helpers';
import type { RoutingStrategyImpl } from './strategy.types';

type Metric = 'latencyMs' | 'ttftMs';

/** null (no sample yet) sorts first so a new deployment gets measured; then fastest first. */
function byMetric(state: DeploymentStateStore, metric: Metric) {
  return (a: RoutedDeployment, b: RoutedDeployment): number => {
    const ma = state.peek(a.id)?.[metric] ?? null;
    const mb = state.peek(b.id)?.[metric] ?? null;
    if (ma === null || mb === null) return ma === mb ? 0 : ma === null ? -1 : 1;
    return ma - mb;
  };
}

/**
 * Lowest EWMA latency; for streams, time to first token. If no candidate has a TTFT sample yet (e.g. the
 * caller never reports one) streams fall back to whole-request latency rather than picking blindly.
 */
export const lowestLatency: RoutingStrategyImpl = {
  pick(candidates, ctx) {
    let metric: Metric = 'latencyMs';
    if (ctx.stream && candidates.some((d) => (ctx.state.peek(d.id)?.ttftMs ?? null) !== null))
      metric = 'ttftMs';
    return pickBest(candidates, byMetric(ctx.state, metric), ctx.random);
  },
  // Steady state: everything goes to the fastest measured deployment (ties split); equal while none is measured.
  split({ group, state }): ExpectedShare[] {
    const measured = group.deployments.filter((d) => (state.peek(d.id)?.latencyMs ?? null) !== null);
    if (measured.length === 0) return equalShares(group.deployments);
    const compare = byMetric(state, 'latencyMs');
    let fastest = measured[0];
    for (const d of measured) if (compare(d, fastest) < 0) fastest = d;
    const ties = measured.filter((d) => compare(d, fastest) === 0).map((d) => d.id);
    return group.deployments.map((d) => ({
      deploymentId: d.id,
      share: ties.includes(d.id) ? 1 / ties.length : 0,
    }));
  },
};
