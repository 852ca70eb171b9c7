import type { ProviderKind } from '@switchboard/contracts';

/** How a LiteLLM `provider/` prefix maps onto one of Switchboard's provider kinds. */
export interface LiteLLMProviderRule {
  provider: ProviderKind;
  /** Used when the entry has no `api_base` (hosted OpenAI-compatible services). */
  defaultApiBase?: string;
  /** LiteLLM talks to Ollama's native API at the server root; its OpenAI-compatible API lives under /v1. */
  openAiPath?: '/v1';
}

const compatible = (defaultApiBase?: string): LiteLLMProviderRule => ({
  provider: 'openai-compatible',
  ...(defaultApiBase ? { defaultApiBase } : {}),
});

/**
 * The LiteLLM prefixes Switchboard understands. Everything else (bedrock/, vertex_ai/, gemini/…) has no
 * provider here yet: such entries are skipped with a warning rather than guessed at.
 */
export const LITELLM_PROVIDERS: Readonly<Record<string, LiteLLMProviderRule>> = {
  openai: { provider: 'openai' },
  azure: { provider: 'azure' },
  anthropic: { provider: 'anthropic' },
  custom_openai: compatible(),
  openai_like: compatible(),
  openai_compatible: compatible(),
  hosted_vllm: compatible(),
  litellm_proxy: compatible(),
  lm_studio: compatible(),
  llamafile: compatible(),
  xinference: compatible(),
  ollama: { provider: 'openai-compatible', defaultApiBase: 'http://localhost:11434', openAiPath: '/v1' },
  ollama_chat: { provider: 'openai-compatible', defaultApiBase: 'http://localhost:11434', openAiPath: '/v1' },
  groq: compatible('https://api.groq.com/openai/v1'),
  deepseek: compatible('https://api.deepseek.com'),
  openrouter: compatible('https://openrouter.ai/api/v1'),
  together_ai: compatible('https://api.together.xyz/v1'),
  fireworks_ai: compatible('https://api.fireworks.ai/inference/v1'),
  mistral: compatible('https://api.mistral.ai/v1'),
  xai: compatible('https://api.x.ai/v1'),
  deepinfra: compatible('https://api.deepinfra.com/v1/openai'),
  perplexity: compatible('https://api.perplexity.ai'),
};

/** The prefix export writes for each kind (`custom_openai/` is LiteLLM's generic OpenAI-compatible client). */
export const EXPORT_PREFIX: Readonly<Record<ProviderKind, string>> = {
  openai: 'openai',
  azure: 'azure',
  anthropic: 'anthropic',
  'openai-compatible': 'custom_openai',
};

// LiteLLM infers the provider of a bare model name from these families.
const BARE_OPENAI =
  /^(gpt-|chatgpt-|o\d|text-embedding-|dall-e|whisper|tts-|davinci|babbage|omni-moderation|text-moderation)/i;
const BARE_ANTHROPIC = /^claude/i;

export type ResolvedModel =
  { ok: true; prefix: string; rule: LiteLLMProviderRule; model: string } | { ok: false; reason: string };

/**
 * Splits `litellm_params.model` (`openai/gpt-4.1`, `hosted_vllm/meta-llama/Llama-3-8B`, `gpt-4o`) into a
 * provider rule and the upstream model name. `custom_llm_provider` wins over the prefix, as in LiteLLM.
 */
export function resolveLiteLLMModel(model: string, customProvider: string | null): ResolvedModel {
  if (customProvider !== null) {
    const rule = LITELLM_PROVIDERS[customProvider];
    if (!rule) return { ok: false, reason: `provider '${customProvider}' is not supported` };
    const stripped = model.startsWith(`${customProvider}/`) ? model.slice(customProvider.length + 1) : model;
    return { ok: true, prefix: customProvider, rule, model: stripped };
  }
  const slash = model.indexOf('/');
  if (slash === -1) {
    if (BARE_OPENAI.test(model))
      return { ok: true, prefix: 'openai', rule: LITELLM_PROVIDERS.openai!, model };
    if (BARE_ANTHROPIC.test(model))
      return { ok: true, prefix: 'anthropic', rule: LITELLM_PROVIDERS.anthropic!, model };
    return { ok: false, reason: `cannot tell the provider of '${model}'; write it as provider/model` };
  }
  const prefix = model.slice(0, slash);
  const rule = Object.hasOwn(LITELLM_PROVIDERS, prefix) ? LITELLM_PROVIDERS[prefix] : undefined;
  if (!rule) return { ok: false, reason: `provider prefix '${prefix}/' is not supported` };
  return { ok: true, prefix, rule, model: model.slice(slash + 1) };
}

/** The base URL Switchboard stores for an entry: its own, the provider's default, with Ollama's /v1 added. */
export function effectiveApiBase(rule: LiteLLMProviderRule, apiBase: string | null): string | null {
  const base = apiBase ?? rule.defaultApiBase ?? null;
  if (base === null || !rule.openAiPath) return base;
  const trimmed = base.replace(/\/+$/, '');
  return trimmed.endsWith(rule.openAiPath) ? trimmed : `${trimmed}${rule.openAiPath}`;
}
