import type { RandomSource, RoutedDeployment } from '../routing.types';

export function randomIndex(length: number, random: RandomSource): number {
  // Guard against a source that returns exactly 1.
  return Math.min(length - 1, Math.floor(random() * length));
}

/**
 * Best candidate by `compare` (negative = first argument is better); equally good ones are drawn at
 * random so identical deployments share the load. Two passes, one random draw, no allocation.
 */
export function pickBest(
  candidates: readonly RoutedDeployment[],
  compare: (a: RoutedDeployment, b: RoutedDeployment) => number,
  random: RandomSource,
): RoutedDeployment {
  let best = candidates[0];
  let ties = 1;
  for (let i = 1; i < candidates.length; i++) {
    const c = compare(candidates[i], best);
    if (c < 0) {
      best = candidates[i];
      ties = 1;
    } else if (c === 0) {
      ties += 1;
    }
  }
  if (ties === 1) return best;
  let n = randomIndex(ties, random);
  for (const d of candidates) {
    if (compare(d, best) === 0 && n-- === 0) return d;
  }
  return best;
}

/**
 * Draws proportionally to `weightOf`. Zero-weight candidates are standbys: drawn (uniformly) only when no
 * candidate with a positive weight is available.
 */
export function pickWeighted(
  candidates: readonly RoutedDeployment[],
  weightOf: (d: RoutedDeployment) => number,
  random: RandomSource,
): RoutedDeployment {
  let total = 0;
  for (const d of candidates) total += positive(weightOf(d));
  if (total <= 0) return candidates[randomIndex(candidates.length, random)];
  let r = random() * total;
  let last = candidates[0];
  for (const d of candidates) {
    const w = positive(weightOf(d));
    if (w === 0) continue;
    if (r < w) return d;
    r -= w;
    last = d;
  }
  return last; // float rounding left r a hair above the total
}

function positive(n: number): number {
  return Number.isFinite(n) && n > 0 ? n : 0;
}
