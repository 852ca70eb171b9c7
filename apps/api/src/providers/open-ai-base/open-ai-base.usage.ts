import type { Usage } from '../provider.types';
import { asFiniteNumber, isRecord } from '../shared/json-guards';

/**
 * Reads an OpenAI-style `usage` object: chat/completions/embeddings (`prompt_tokens`...), transcriptions
 * (`input_tokens`...), and rerank servers that only report `total_tokens`.
 */
export function usageFromOpenAi(usage: unknown): Usage | null {
  if (!isRecord(usage)) return null;
  const prompt = asFiniteNumber(usage.prompt_tokens) ?? asFiniteNumber(usage.input_tokens);
  const completion = asFiniteNumber(usage.completion_tokens) ?? asFiniteNumber(usage.output_tokens) ?? 0;
  const total = asFiniteNumber(usage.total_tokens);
  if (prompt === undefined) {
    return total === undefined ? null : { promptTokens: total, completionTokens: 0, totalTokens: total };
  }
  const result: Usage = {
    promptTokens: prompt,
    completionTokens: completion,
    totalTokens: total ?? prompt + completion,
  };
  const cached = cachedPromptTokens(usage);
  if (cached > 0) result.cachedTokens = Math.min(cached, prompt);
  return result;
}

/** `prompt_tokens_details.cached_tokens` (chat, completions) or `input_tokens_details.cached_tokens`. */
function cachedPromptTokens(usage: Record<string, unknown>): number {
  const details = isRecord(usage.prompt_tokens_details)
    ? usage.prompt_tokens_details
    : usage.input_tokens_details;
  return isRecord(details) ? (asFiniteNumber(details.cached_tokens) ?? 0) : 0;
}

/** The `usage` of a whole OpenAI-shaped response body, if any. */
export function usageFromOpenAiBody(json: unknown): Usage | null {
  return isRecord(json) ? usageFromOpenAi(json.usage) : null;
}

export function usageToOpenAi(usage: Usage): {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
} {
  const body = {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.totalTokens,
  };
  return usage.cachedTokens
    ? { ...body, prompt_tokens_details: { cached_tokens: usage.cachedTokens } }
    : body;
}
