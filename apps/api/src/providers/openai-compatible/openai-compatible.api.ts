import {
  bearerAuth,
  OpenAiBaseAdapter,
  requireApiBase,
  type OpenAiBaseConfig,
} from '../open-ai-base/open-ai-base.adapter';
import type { Capability } from '../provider.types';
import { joinUrl } from '../shared/join-url';

/** vLLM, Ollama, LM Studio, another gateway...: any base URL, a key only if the operator set one. */
export const openAiCompatibleConfig: OpenAiBaseConfig = {
  name: 'openai-compatible',
  capabilities: new Set<Capability>([
    'chat',
    'completions',
    'embeddings',
    'rerank',
    'audio.speech',
    'audio.transcriptions',
  ]),
  url: (target, path) => joinUrl(requireApiBase(target, 'openai-compatible'), path),
  authHeaders: bearerAuth,
  acceptsStreamUsage: () => true,
  // `GET /models` is the one read-only route every OpenAI-compatible server implements.
  healthCheck: () => ({ method: 'GET', path: '/models' }),
};

export const openAiCompatibleAdapter = new OpenAiBaseAdapter(openAiCompatibleConfig);
