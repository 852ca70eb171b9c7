import type { RequestLogPricing } from '@switchboard/contracts';

/**
 * What the data plane needs from key management, as an interface: the gateway asks "who is this?"
 * and "may they send this request now?", answered from memory with no database round trip.
 * The virtual-key implementation lives in ../keys; the master key is always accepted.
 */
export type Principal =
  | { kind: 'master' }
  | {
      kind: 'virtual';
      keyId: string;
      projectId: string;
      alias: string | null;
      /** Allowed model groups; empty = all. */
      models: readonly string[];
    };

export interface Admission {
  /** Call exactly once when the request ends, with what it used (for tpm, parallel and budget accounting). */
  release(usage: { totalTokens: number; costUsd: number }): void;
}

export interface GatewayAuth {
  /**
   * Resolves the client's credential. Throws OpenAIError 401 (unknown, revoked or expired key) with a
   * message written for the person reading it in Dify.
   */
  authenticate(token: string | null): Principal;
  /** May this principal use this model group at all? (403 otherwise; used by /v1/models too) */
  canUseModel(principal: Principal, modelGroup: string): boolean;
  /**
   * Checks model access and the key's limits (rpm, tpm, parallel, budget) and takes a slot; with the
   * request's `user` (Dify's end user), also the key's per-end-user limits.
   * Throws OpenAIError 403 (model not allowed, naming the model and the key alias) or 429
   * (`rate_limit_exceeded` with Retry-After; `insufficient_quota` when over budget;
   * `end_user_rate_limit_exceeded` / `end_user_budget_exceeded` for one end user). Synchronous on one
   * instance; a promise when the limits are shared through Redis (one round trip).
   */
  admit(
    principal: Principal,
    modelGroup: string,
    estimatedTokens: number,
    user?: unknown,
  ): Admission | Promise<Admission>;
}

export const GATEWAY_AUTH = Symbol('GATEWAY_AUTH');

/** What a request used, as far as its cost goes. */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens served from the provider's cache (part of `promptTokens`). */
  cachedTokens?: number;
}

/** A request's cost and the price row it was computed with (null when the model has no price: cost 0). */
export interface PricedUsage {
  costUsd: number;
  pricing: RequestLogPricing | null;
}

/** Prices per model, in memory. */
export interface CostCalculator {
  costUsd(model: string, promptTokens: number, completionTokens: number, cachedTokens?: number): number;
  price(model: string, usage: TokenUsage): PricedUsage;
}

export const COST_CALCULATOR = Symbol('COST_CALCULATOR');
