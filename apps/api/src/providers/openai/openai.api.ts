import { bearerAuth, OpenAiBaseAdapter, type OpenAiBaseConfig } from '../open-ai-base/open-ai-base.adapter';
import type { Capability } from '../provider.types';
import { joinUrl } from '../shared/join-url';

export const OPENAI_DEFAULT_API_BASE = 'https://api.openai.com/v1';

export const openAiConfig: OpenAiBaseConfig = {
  name: 'openai',
  capabilities: new Set<Capability>([
    'chat',
    'completions',
    'embeddings',
    'rerank',
    'audio.speech',
    'audio.transcriptions',
  ]),
  url: (target, path) => joinUrl(target.apiBase?.trim() || OPENAI_DEFAULT_API_BASE, path),
  authHeaders: bearerAuth,
  acceptsStreamUsage: () => true,
  // Retrieving the model checks key, reachability and model access without spending tokens.
  healthCheck: (target) => ({ method: 'GET', path: `/models/${encodeURIComponent(target.model)}` }),
};

export const openAiAdapter = new OpenAiBaseAdapter(openAiConfig);
