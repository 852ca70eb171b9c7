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
  return { promptTokens: prompt, completionTokens: completion, totalTokens: total ?? prompt + completion };
}

/** The `usage` of a whole OpenAI-shaped response body, if any. */
export function usageFromOpenAiBody(json: unknown): Usage | null {
  return isRecord(json) ? usageFromOpenAi(json.usage) : null;
}

export function usageToOpenAi(usage: Usage): {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
} {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.totalTokens,
  };
}
