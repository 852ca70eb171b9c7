import type { ClientRequest, Usage } from '../providers/provider.types';
import {
  countChatPromptTokens,
  countCompletionPromptTokens,
  countTextTokens,
} from '../providers/token-count';

/**
 * Usage counted by the gateway's tokenizer, for answers whose upstream reported none: the prompt from the
 * client's request, the completion from `completionText`.
 */
export function estimateUsage(client: ClientRequest, completionText: string): Usage {
  const body = client.body;
  const model = typeof body.model === 'string' ? body.model : undefined;
  let promptTokens = 0;
  if (client.capability === 'chat')
    promptTokens = countChatPromptTokens(body.messages, { model, tools: body.tools });
  else if (client.capability === 'completions')
    promptTokens = countCompletionPromptTokens(body.prompt, model);
  else if (client.capability === 'embeddings') promptTokens = countCompletionPromptTokens(body.input, model);
  const completionTokens = completionText ? countTextTokens(completionText, model) : 0;
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens, estimated: true };
}
