import type { RequestLogPricing } from '@switchboard/contracts';
import type { CostCalculator, PricedUsage, TokenUsage } from '../gateway/gateway-auth';

export interface PriceEntry {
  model: string;
  inputUsdPerMTokens: number;
  /** Price of prompt tokens served from the provider's cache; null or absent: the input price. */
  cachedInputUsdPerMTokens?: number | null;
  outputUsdPerMTokens: number;
}

/** Characters that may follow a priced model name in a longer id (`gpt-4.1-2025-04-14`, `o3:latest`). */
const SUFFIX_START = new Set(['-', ':', '@', '_']);

const NO_PRICE: PricedUsage = Object.freeze({ costUsd: 0, pricing: null });

/**
 * Prices in memory, matched case-insensitively: the exact model, else the longest priced name the id
 * starts with (at a word boundary), else the same again without a `provider/` prefix, else 0.
 * Lookups are memoised per model id until the table is replaced.
 *
 * Each price is held as the frozen record a request's log row keeps (`pricing`): the table is replaced,
 * never changed, so a row keeps the price of the moment its request ended.
 */
export class PriceTable implements CostCalculator {
  private readonly exact = new Map<string, RequestLogPricing>();
  /** Longest first, so the first boundary match is the longest. */
  private readonly byLength: [string, RequestLogPricing][];
  private readonly memo = new Map<string, RequestLogPricing | null>();

  /** `isBuiltIn` tells Switchboard's list prices from operators' (default: every price is custom). */
  constructor(prices: readonly PriceEntry[], isBuiltIn: (price: PriceEntry) => boolean = () => false) {
    for (const p of prices) {
      this.exact.set(
        p.model.toLowerCase(),
        Object.freeze({
          model: p.model,
          source: isBuiltIn(p) ? 'built-in' : 'custom',
          inputUsdPerMTokens: p.inputUsdPerMTokens,
          cachedInputUsdPerMTokens: p.cachedInputUsdPerMTokens ?? null,
          outputUsdPerMTokens: p.outputUsdPerMTokens,
        }),
      );
    }
    this.byLength = [...this.exact].sort(([a], [b]) => b.length - a.length);
  }

  costUsd(model: string, promptTokens: number, completionTokens: number, cachedTokens = 0): number {
    return this.price(model, { promptTokens, completionTokens, cachedTokens }).costUsd;
  }

  /**
   * (prompt − cached) × input + cached × cached input (the input price when it has none) + completion ×
   * output, per million tokens; no price known: 0, and no pricing.
   */
  price(model: string, usage: TokenUsage): PricedUsage {
    const pricing = this.lookup(model);
    if (!pricing) return NO_PRICE;
    const prompt = Math.max(0, usage.promptTokens || 0);
    const cached = Math.min(prompt, Math.max(0, usage.cachedTokens || 0));
    const cost =
      ((prompt - cached) * pricing.inputUsdPerMTokens +
        cached * (pricing.cachedInputUsdPerMTokens ?? pricing.inputUsdPerMTokens) +
        Math.max(0, usage.completionTokens || 0) * pricing.outputUsdPerMTokens) /
      1_000_000;
    return { costUsd: Number.isFinite(cost) ? cost : 0, pricing };
  }

  lookup(model: string): RequestLogPricing | null {
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

  private match(id: string): RequestLogPricing | null {
    const exact = this.exact.get(id);
    if (exact) return exact;
    for (const [name, price] of this.byLength) {
      if (id.length > name.length && id.startsWith(name) && SUFFIX_START.has(id[name.length]!)) return price;
    }
    return null;
  }
}
