import type { CostCalculator } from '../gateway/gateway-auth';

export interface PriceEntry {
  model: string;
  inputUsdPerMTokens: number;
  outputUsdPerMTokens: number;
}

/** Characters that may follow a priced model name in a longer id (`gpt-4.1-2025-04-14`, `o3:latest`). */
const SUFFIX_START = new Set(['-', ':', '@', '_']);

/**
 * Prices in memory, matched case-insensitively: the exact model, else the longest priced name the id
 * starts with (at a word boundary), else the same again without a `provider/` prefix, else 0.
 * Lookups are memoised per model id until the table is replaced.
 */
export class PriceTable implements CostCalculator {
  private readonly exact = new Map<string, PriceEntry>();
  /** Longest first, so the first boundary match is the longest. */
  private readonly byLength: [string, PriceEntry][];
  private readonly memo = new Map<string, PriceEntry | null>();

  constructor(prices: readonly PriceEntry[]) {
    for (const p of prices) this.exact.set(p.model.toLowerCase(), p);
    this.byLength = [...this.exact].sort(([a], [b]) => b.length - a.length);
  }

  costUsd(model: string, promptTokens: number, completionTokens: number): number {
    const price = this.lookup(model);
    if (!price) return 0;
    const cost =
      (Math.max(0, promptTokens || 0) * price.inputUsdPerMTokens +
        Math.max(0, completionTokens || 0) * price.outputUsdPerMTokens) /
      1_000_000;
    return Number.isFinite(cost) ? cost : 0;
  }

  lookup(model: string): PriceEntry | null {
    const cached = this.memo.get(model);
    if (cached !== undefined) return cached;
    const id = model.trim().toLowerCase();
    const slash = id.lastIndexOf('/');
    const found = this.match(id) ?? (slash >= 0 ? this.match(id.slice(slash + 1)) : null);
    // Bounded: model ids come from deployments, but never let odd input grow the map forever.
    if (this.memo.size >= 10_000) this.memo.clear();
    this.memo.set(model, found);
    return found;
  }

  private match(id: string): PriceEntry | null {
    const exact = this.exact.get(id);
    if (exact) return exact;
    for (const [name, price] of this.byLength) {
      if (id.length > name.length && id.startsWith(name) && SUFFIX_START.has(id[name.length]!)) return price;
    }
    return null;
  }
}
