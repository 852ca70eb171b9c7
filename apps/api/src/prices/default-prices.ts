/**
 * List prices in USD per million tokens (standard tier, no batch discounts), as published by OpenAI
 * (openai.com/api/pricing) and Anthropic (anthropic.com/pricing) in late 2025. Inserted at start only for
 * models that have no row yet: an operator's edit is never overwritten.
 *
 * Cached input is the price of prompt tokens served from the provider's prompt cache: OpenAI's "cached
 * input" column (the gpt-5 family 10 % of input; gpt-4.1, o3 and o4-mini 25 %; gpt-4o, o1 and o3-mini 50 %)
 * and Anthropic's "cache hits" (10 % of input; cache writes are costed as input here). Null where the
 * provider publishes no cached price (o3-pro, gpt-3.5-turbo, embeddings): cached tokens cost the input price.
 *
 * Dated model ids (`gpt-4.1-2025-04-14`, `claude-sonnet-4-20250514`) match these by prefix.
 */
export const DEFAULT_PRICES_AS_OF = '2025-11';

export const DEFAULT_PRICES: readonly {
  model: string;
  inputUsdPerMTokens: number;
  cachedInputUsdPerMTokens: number | null;
  outputUsdPerMTokens: number;
}[] = [
  // OpenAI
  { model: 'gpt-5', inputUsdPerMTokens: 1.25, cachedInputUsdPerMTokens: 0.125, outputUsdPerMTokens: 10 },
  { model: 'gpt-5-mini', inputUsdPerMTokens: 0.25, cachedInputUsdPerMTokens: 0.025, outputUsdPerMTokens: 2 },
  {
    model: 'gpt-5-nano',
    inputUsdPerMTokens: 0.05,
    cachedInputUsdPerMTokens: 0.005,
    outputUsdPerMTokens: 0.4,
  },
  { model: 'gpt-4.1', inputUsdPerMTokens: 2, cachedInputUsdPerMTokens: 0.5, outputUsdPerMTokens: 8 },
  { model: 'gpt-4.1-mini', inputUsdPerMTokens: 0.4, cachedInputUsdPerMTokens: 0.1, outputUsdPerMTokens: 1.6 },
  {
    model: 'gpt-4.1-nano',
    inputUsdPerMTokens: 0.1,
    cachedInputUsdPerMTokens: 0.025,
    outputUsdPerMTokens: 0.4,
  },
  { model: 'gpt-4o', inputUsdPerMTokens: 2.5, cachedInputUsdPerMTokens: 1.25, outputUsdPerMTokens: 10 },
  {
    model: 'gpt-4o-mini',
    inputUsdPerMTokens: 0.15,
    cachedInputUsdPerMTokens: 0.075,
    outputUsdPerMTokens: 0.6,
  },
  { model: 'o3', inputUsdPerMTokens: 2, cachedInputUsdPerMTokens: 0.5, outputUsdPerMTokens: 8 },
  { model: 'o3-pro', inputUsdPerMTokens: 20, cachedInputUsdPerMTokens: null, outputUsdPerMTokens: 80 },
  { model: 'o3-mini', inputUsdPerMTokens: 1.1, cachedInputUsdPerMTokens: 0.55, outputUsdPerMTokens: 4.4 },
  { model: 'o4-mini', inputUsdPerMTokens: 1.1, cachedInputUsdPerMTokens: 0.275, outputUsdPerMTokens: 4.4 },
  { model: 'o1', inputUsdPerMTokens: 15, cachedInputUsdPerMTokens: 7.5, outputUsdPerMTokens: 60 },
  {
    model: 'gpt-3.5-turbo',
    inputUsdPerMTokens: 0.5,
    cachedInputUsdPerMTokens: null,
    outputUsdPerMTokens: 1.5,
  },
  {
    model: 'text-embedding-3-small',
    inputUsdPerMTokens: 0.02,
    cachedInputUsdPerMTokens: null,
    outputUsdPerMTokens: 0,
  },
  {
    model: 'text-embedding-3-large',
    inputUsdPerMTokens: 0.13,
    cachedInputUsdPerMTokens: null,
    outputUsdPerMTokens: 0,
  },
  {
    model: 'text-embedding-ada-002',
    inputUsdPerMTokens: 0.1,
    cachedInputUsdPerMTokens: null,
    outputUsdPerMTokens: 0,
  },
  // Anthropic
  { model: 'claude-opus-4', inputUsdPerMTokens: 15, cachedInputUsdPerMTokens: 1.5, outputUsdPerMTokens: 75 },
  {
    model: 'claude-opus-4-1',
    inputUsdPerMTokens: 15,
    cachedInputUsdPerMTokens: 1.5,
    outputUsdPerMTokens: 75,
  },
  { model: 'claude-opus-4-5', inputUsdPerMTokens: 5, cachedInputUsdPerMTokens: 0.5, outputUsdPerMTokens: 25 },
  { model: 'claude-sonnet-4', inputUsdPerMTokens: 3, cachedInputUsdPerMTokens: 0.3, outputUsdPerMTokens: 15 },
  {
    model: 'claude-sonnet-4-5',
    inputUsdPerMTokens: 3,
    cachedInputUsdPerMTokens: 0.3,
    outputUsdPerMTokens: 15,
  },
  { model: 'claude-haiku-4-5', inputUsdPerMTokens: 1, cachedInputUsdPerMTokens: 0.1, outputUsdPerMTokens: 5 },
  {
    model: 'claude-3-7-sonnet',
    inputUsdPerMTokens: 3,
    cachedInputUsdPerMTokens: 0.3,
    outputUsdPerMTokens: 15,
  },
  {
    model: 'claude-3-5-sonnet',
    inputUsdPerMTokens: 3,
    cachedInputUsdPerMTokens: 0.3,
    outputUsdPerMTokens: 15,
  },
  {
    model: 'claude-3-5-haiku',
    inputUsdPerMTokens: 0.8,
    cachedInputUsdPerMTokens: 0.08,
    outputUsdPerMTokens: 4,
  },
  { model: 'claude-3-opus', inputUsdPerMTokens: 15, cachedInputUsdPerMTokens: 1.5, outputUsdPerMTokens: 75 },
  {
    model: 'claude-3-haiku',
    inputUsdPerMTokens: 0.25,
    cachedInputUsdPerMTokens: 0.03,
    outputUsdPerMTokens: 1.25,
  },
];
