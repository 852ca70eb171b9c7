import type { RoutingStrategyName } from './routing';

/** What the split of a group's traffic depends on, per enabled deployment. */
export interface SplitMember {
  readonly id: string;
  readonly weight: number | null;
  /** Lower = tried first. */
  readonly priority: number;
  readonly rpmLimit: number | null;
  readonly tpmLimit: number | null;
  /** Recent average latency; null until measured (only `lowest-latency` reads it). */
  readonly latencyMs: number | null;
}

export interface Share {
  readonly deploymentId: string;
  /** Fraction of the group's traffic in [0, 1]; the shares of a group sum to 1. */
  readonly share: number;
}

const positive = (n: number | null): number => (n !== null && Number.isFinite(n) && n > 0 ? n : 0);

/**
 * Weighted-shuffle weights for one group:
 * - any deployment has a weight -> the weights (a missing weight counts as 1, negatives as 0);
 * - else every deployment has an rpm limit -> proportional to rpmLimit;
 * - else every deployment has a tpm limit -> proportional to tpmLimit;
 * - else uniform.
 * Limits are only used when *all* deployments have one: a partial set cannot be compared fairly. The mode is
 * decided on the whole group, not on the deployments available right now, so the split does not change
 * character when one deployment cools down.
 */
export function shuffleWeights(
  members: readonly Omit<SplitMember, 'latencyMs' | 'priority'>[],
): Map<string, number> {
  const weights = new Map<string, number>();
  const anyWeight = members.some((m) => m.weight !== null);
  const allRpm = members.length > 0 && members.every((m) => positive(m.rpmLimit) > 0);
  const allTpm = members.length > 0 && members.every((m) => positive(m.tpmLimit) > 0);
  for (const m of members) {
    let w = 1;
    if (anyWeight) w = m.weight === null ? 1 : Math.max(0, Number.isFinite(m.weight) ? m.weight : 0);
    else if (allRpm) w = m.rpmLimit ?? 0;
    else if (allTpm) w = m.tpmLimit ?? 0;
    weights.set(m.id, w);
  }
  return weights;
}

/** Normalises raw weights into shares; all zero (standbys only) splits equally. */
function sharesFrom(members: readonly SplitMember[], weightOf: (m: SplitMember) => number): Share[] {
  let total = 0;
  for (const m of members) total += positive(weightOf(m));
  return members.map((m) => ({
    deploymentId: m.id,
    share: total > 0 ? positive(weightOf(m)) / total : 1 / members.length,
  }));
}

const hasLimit = (n: number | null): boolean => positive(n) > 0;

/**
 * The share of traffic each (enabled) deployment should get under `strategy` in the steady state: the one
 * rule the gateway's router reports as its expected split and the console previews before a save.
 * - weighted-shuffle: by `shuffleWeights`;
 * - priority: the top (lowest) tier only, weighted within it;
 * - round-robin, least-busy: equal;
 * - lowest-latency: all to the fastest measured (ties split), equal while none is measured;
 * - usage-based: deployments without limits take everything; else by rpm limits, else tpm, else equal.
 */
export function expectedSplit(strategy: RoutingStrategyName, members: readonly SplitMember[]): Share[] {
  if (members.length === 0) return [];
  switch (strategy) {
    case 'weighted-shuffle': {
      const weights = shuffleWeights(members);
      return sharesFrom(members, (m) => weights.get(m.id) ?? 1);
    }
    case 'priority': {
      const weights = shuffleWeights(members);
      const top = Math.min(...members.map((m) => m.priority));
      const tier = sharesFrom(
        members.filter((m) => m.priority === top),
        (m) => weights.get(m.id) ?? 1,
      );
      return members.map((m) => ({
        deploymentId: m.id,
        share: tier.find((s) => s.deploymentId === m.id)?.share ?? 0,
      }));
    }
    case 'round-robin':
    case 'least-busy':
      return sharesFrom(members, () => 1);
    case 'lowest-latency': {
      const measured = members.filter((m) => m.latencyMs !== null);
      if (measured.length === 0) return sharesFrom(members, () => 1);
      const fastest = Math.min(...measured.map((m) => m.latencyMs!));
      const ties = measured.filter((m) => m.latencyMs === fastest).length;
      return members.map((m) => ({ deploymentId: m.id, share: m.latencyMs === fastest ? 1 / ties : 0 }));
    }
    case 'usage-based': {
      const unlimited = members.filter((m) => !hasLimit(m.rpmLimit) && !hasLimit(m.tpmLimit));
      if (unlimited.length > 0) return sharesFrom(members, (m) => (unlimited.includes(m) ? 1 : 0));
      if (members.every((m) => hasLimit(m.rpmLimit))) return sharesFrom(members, (m) => m.rpmLimit ?? 0);
      if (members.every((m) => hasLimit(m.tpmLimit))) return sharesFrom(members, (m) => m.tpmLimit ?? 0);
      return sharesFrom(members, () => 1);
    }
  }
}
