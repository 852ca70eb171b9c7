/** Anthropic Message -> OpenAI `chat.completion`. */
import { ProviderRequestError } from '../provider-request.error';
import type { MappedResponse, Usage } from '../provider.types';
import { asArray, asFiniteNumber, asString, isRecord } from '../shared/json-guards';
import { toFinishReason } from './anthropic.finish-reason';

interface OpenAiToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/**
 * Anthropic bills cache writes and reads as input, reported separately from `input_tokens`; OpenAI's
 * `prompt_tokens` includes cached tokens, so the three are summed.
 */
export function usageFromAnthropic(usage: unknown): { usage: Usage; cachedTokens: number } | null {
  if (!isRecord(usage)) return null;
  const input = asFiniteNumber(usage.input_tokens);
  const output = asFiniteNumber(usage.output_tokens);
  if (input === undefined && output === undefined) return null;
  const cacheWrite = asFiniteNumber(usage.cache_creation_input_tokens) ?? 0;
  const cacheRead = asFiniteNumber(usage.cache_read_input_tokens) ?? 0;
  const promptTokens = (input ?? 0) + cacheWrite + cacheRead;
  const completionTokens = output ?? 0;
  const mapped: Usage = { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
  if (cacheRead > 0) mapped.cachedTokens = cacheRead;
  return { usage: mapped, cachedTokens: cacheRead };
}

export function openAiUsageBody(usage: Usage, cachedTokens: number): Record<string, unknown> {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.totalTokens,
    prompt_tokens_details: { cached_tokens: cachedTokens },
  };
}

export function fromAnthropicMessage(json: unknown, ctx: { model: string; created: number }): MappedResponse {
  if (!isRecord(json) || !Array.isArray(json.content)) {
    throw new ProviderRequestError(
      'The upstream returned an unexpected response body',
      502,
      'invalid_upstream_response',
    );
  }
  const texts: string[] = [];
  const reasoning: string[] = [];
  const toolCalls: OpenAiToolCall[] = [];
  for (const block of asArray(json.content)) {
    if (!isRecord(block)) continue;
    switch (block.type) {
      case 'text':
        texts.push(asString(block.text) ?? '');
        break;
      case 'thinking':
        reasoning.push(asString(block.thinking) ?? '');
        break;
      case 'tool_use':
        toolCalls.push({
          id: asString(block.id) ?? '',
          type: 'function',
          function: { name: asString(block.name) ?? '', arguments: JSON.stringify(block.input ?? {}) },
        });
        break;
      default:
        // redacted_thinking, server tool blocks, citations...: nothing an OpenAI client could use.
        break;
    }
  }

  const message: Record<string, unknown> = {
    role: 'assistant',
    // OpenAI sends null content when the answer is only tool calls.
    content: texts.length === 0 && toolCalls.length > 0 ? null : texts.join(''),
  };
  if (reasoning.length > 0) message.reasoning_content = reasoning.join('');
  if (toolCalls.length > 0) message.tool_calls = toolCalls;

  const mapped = usageFromAnthropic(json.usage);
  const body: Record<string, unknown> = {
    id: asString(json.id) ?? '',
    object: 'chat.completion',
    created: ctx.created,
    model: ctx.model,
    choices: [
      {
        index: 0,
        message,
        logprobs: null,
        finish_reason: toFinishReason(asString(json.stop_reason)) ?? 'stop',
      },
    ],
  };
  if (mapped) body.usage = openAiUsageBody(mapped.usage, mapped.cachedTokens);
  return { body, usage: mapped?.usage ?? null };
}
