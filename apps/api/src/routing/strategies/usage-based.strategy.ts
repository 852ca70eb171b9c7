import type { RoutedDeployment } from '../routing.types';
import { pickBest } from './pick-helpers';
import type { PickContext, RoutingStrategyImpl } from './strategy.types';

const hasLimit = (n: number | null): n is number => n !== null && n > 0;

/**
 * Remaining fraction of this minute's capacity: the tightest of our rpm/tpm limits and the upstream's last
 * fresh `x-ratelimit-remaining-*`. null = no limit known at all.
 */
export function headroom(d: RoutedDeployment, ctx: PickContext): number | null {
  const used = ctx.counters.get(d.id, ctx.nowMs);
  let h: number | null = null;
  if (hasLimit(d.rpmLimit)) h = (d.rpmLimit - used.rpm) / d.rpmLimit;
  if (hasLimit(d.tpmLimit)) {
    const t = (d.tpmLimit - used.tpm) / d.tpmLimit;
    h = h === null ? t : Math.min(h, t);
  }
  const upstream = ctx.state.upstreamHeadroom(d.id, ctx.nowMs, d.rpmLimit, d.tpmLimit);
  if (upstream !== null) h = h === null ? upstream : Math.min(h, upstream);
  return h === null ? null : Math.max(0, h);
}

/**
 * Most headroom first. Deployments without any known limit have unbounded headroom, so they rank above
 * limited ones and among themselves by fewest requests this minute. Ties drawn at random.
 */
export const usageBased: RoutingStrategyImpl = {
  pick(candidates, ctx) {
    return pickBest(
      candidates,
      (a, b) => {
        const ha = headroom(a, ctx);
        const hb = headroom(b, ctx);
        if (ha === null && hb === null) {
          return ctx.counters.get(a.id, ctx.nowMs).rpm - ctx.counters.get(b.id, ctx.nowMs).rpm;
        }
        if (ha === null || hb === null) return ha === null ? -1 : 1;
        return hb - ha;
      },
      ctx.random,
    );
  },
};
