import type { RoutingStrategyName } from '@switchboard/contracts';

/** What the router knows about a deployment when it splits a group's traffic. */
export interface SplitMember {
  id: string;
  enabled: boolean;
  weight: number | null;
  priority: number;
  rpmLimit: number | null;
  tpmLimit: number | null;
  latencyMs: number | null;
}

const positive = (n: number | null): number => (n !== null && Number.isFinite(n) && n > 0 ? n : 0);

/** Normalises raw weights into shares; all zero (standbys only) splits equally. */
function sharesFrom(members: SplitMember[], weightOf: (m: SplitMember) => number): Map<string, number> {
  const total = members.reduce((sum, m) => sum + positive(weightOf(m)), 0);
  return new Map(
    members.map((m) => [m.id, total > 0 ? positive(weightOf(m)) / total : 1 / members.length] as const),
  );
}

/**
 * Weighted-shuffle weights, as the router resolves them: any weight set → the weights (unset counts
 * as 1); else all have an rpm limit → by rpm; else all have a tpm limit → by tpm; else equal.
 */
function shuffleWeight(members: SplitMember[]): (m: SplitMember) => number {
  const anyWeight = members.some((m) => m.weight !== null);
  const allRpm = members.length > 0 && members.every((m) => positive(m.rpmLimit) > 0);
  const allTpm = members.length > 0 && members.every((m) => positive(m.tpmLimit) > 0);
  return (m) => {
    if (anyWeight) return m.weight === null ? 1 : Math.max(0, Number.isFinite(m.weight) ? m.weight : 0);
    if (allRpm) return m.rpmLimit ?? 0;
    if (allTpm) return m.tpmLimit ?? 0;
    return 1;
  };
}

/**
 * The share of traffic each deployment should get under `strategy`, computed the way the gateway's
 * router computes its `expectedSplit` (apps/api/src/routing/strategies), so the console can preview
 * an edit before it is saved. Disabled deployments get nothing.
 */
export function previewSplit(strategy: RoutingStrategyName, all: SplitMember[]): Map<string, number> {
  const members = all.filter((m) => m.enabled);
  const result = new Map<string, number>(all.map((m) => [m.id, 0]));
  if (members.length === 0) return result;
  const set = (shares: Map<string, number>) => shares.forEach((share, id) => result.set(id, share));

  switch (strategy) {
    case 'weighted-shuffle':
      set(sharesFrom(members, shuffleWeight(members)));
      break;
    case 'priority': {
      const top = Math.min(...members.map((m) => m.priority));
      const weightOf = shuffleWeight(members);
      set(
        sharesFrom(
          members.filter((m) => m.priority === top),
          weightOf,
        ),
      );
      break;
    }
    case 'round-robin':
    case 'least-busy':
      set(sharesFrom(members, () => 1));
      break;
    case 'lowest-latency': {
      const measured = members.filter((m) => m.latencyMs !== null);
      if (measured.length === 0) {
        set(sharesFrom(members, () => 1));
        break;
      }
      const fastest = Math.min(...measured.map((m) => m.latencyMs ?? Infinity));
      const ties = measured.filter((m) => m.latencyMs === fastest);
      ties.forEach((m) => result.set(m.id, 1 / ties.length));
      break;
    }
    case 'usage-based': {
      const hasLimit = (n: number | null) => positive(n) > 0;
      const unlimited = members.filter((m) => !hasLimit(m.rpmLimit) && !hasLimit(m.tpmLimit));
      if (unlimited.length > 0) set(sharesFrom(members, (m) => (unlimited.includes(m) ? 1 : 0)));
      else if (members.every((m) => hasLimit(m.rpmLimit))) set(sharesFrom(members, (m) => m.rpmLimit ?? 0));
      else if (members.every((m) => hasLimit(m.tpmLimit))) set(sharesFrom(members, (m) => m.tpmLimit ?? 0));
      else set(sharesFrom(members, () => 1));
      break;
    }
  }
  return result;
}
