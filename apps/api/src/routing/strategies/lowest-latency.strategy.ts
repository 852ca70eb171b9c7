import { type DeploymentStateStore, LATENCY_STALE_MS } from '../deployment-state';
import type { RoutedDeployment } from '../routing.types';
import { pickBest } from './pick-helpers';
import type { RoutingStrategyImpl } from './strategy.types';

type Metric = 'latencyMs' | 'ttftMs';

/**
 * null (no sample yet, or only a stale one) sorts first so the deployment gets measured; then fastest
 * first. Without `nowMs` (the console's split preview) every sample counts.
 */
function byMetric(state: DeploymentStateStore, metric: Metric, nowMs?: number) {
  const sample = (d: RoutedDeployment): number | null => {
    const s = state.peek(d.id);
    if (!s || (nowMs !== undefined && nowMs - s.sampledAt >= LATENCY_STALE_MS)) return null;
    return s[metric];
  };
  return (a: RoutedDeployment, b: RoutedDeployment): number => {
    const ma = sample(a);
    const mb = sample(b);
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
    return pickBest(candidates, byMetric(ctx.state, metric, ctx.nowMs), ctx.random);
  },
};
