/**
 * Local token counting for when an upstream reports no usage. Uses the real BPE tokenizers
 * (o200k_base for current OpenAI models and as the default for everything else, cl100k_base for the
 * GPT-3.5 / GPT-4 / ada-era models). For non-OpenAI models this is an estimate, which is still far better
 * than billing zero.
 */
import { asArray, asString, isRecord } from './shared/json-guards';

// User text may contain strings like "<|endoftext|>"; count them as plain text instead of throwing.
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

// Per-message framing overhead of the chat format (OpenAI cookbook, "How to count tokens with tiktoken").
const TOKENS_PER_MESSAGE = 3;
const TOKENS_PER_NAME = 1;
const TOKENS_REPLY_PRIMING = 3;
// Low-detail image cost; we never fetch images to size them, so this is a floor.
const TOKENS_PER_IMAGE = 85;

const CL100K_MODELS = /^(gpt-3\.5|gpt-35|gpt-4(?![o.])|text-embedding-(ada|3)|text-davinci)/i;

type CountTokens = (text: string, options: typeof PLAIN_TEXT) => number;
// The encodings cost ~24 MB of memory; most upstreams report usage, so load them on first need.
let o200k: CountTokens | null = null;
let cl100k: CountTokens | null = null;
/* eslint-disable @typescript-eslint/no-require-imports */
const countO200k: CountTokens = (text, o) =>
  (o200k ??= (require('gpt-tokenizer/cjs/encoding/o200k_base') as { countTokens: CountTokens }).countTokens)(
    text,
    o,
  );
const countCl100k: CountTokens = (text, o) =>
  (cl100k ??= (require('gpt-tokenizer/cjs/encoding/cl100k_base') as { countTokens: CountTokens })
    .countTokens)(text, o);
/* eslint-enable @typescript-eslint/no-require-imports */

function counterFor(model: string | undefined): (text: string) => number {
  const useCl100k = model !== undefined && CL100K_MODELS.test(model);
  return useCl100k ? (text) => countCl100k(text, PLAIN_TEXT) : (text) => countO200k(text, PLAIN_TEXT);
}

export function countTextTokens(text: string, model?: string): number {
  return text === '' ? 0 : counterFor(model)(text);
}

/** Prompt tokens of an OpenAI `messages` array (plus tool definitions, which also cost prompt tokens). */
export function countChatPromptTokens(
  messages: unknown,
  options: { model?: string; tools?: unknown } = {},
): number {
  const count = counterFor(options.model);
  let total = 0;
  for (const message of asArray(messages)) {
    if (!isRecord(message)) continue;
    total += TOKENS_PER_MESSAGE;
    const role = asString(message.role);
    if (role) total += count(role);
    const name = asString(message.name);
    if (name) total += count(name) + TOKENS_PER_NAME;
    total += countContentTokens(message.content, count);
    for (const call of asArray(message.tool_calls)) {
      if (isRecord(call) && isRecord(call.function)) total += countFunctionCall(call.function, count);
    }
    if (isRecord(message.function_call)) total += countFunctionCall(message.function_call, count);
    const toolCallId = asString(message.tool_call_id);
    if (toolCallId) total += count(toolCallId);
  }
  total += TOKENS_REPLY_PRIMING;
  const tools = asArray(options.tools);
  if (tools.length > 0) total += count(JSON.stringify(tools));
  return total;
}

/** Prompt tokens of a legacy `completions` prompt (string, string[], or token arrays). */
export function countCompletionPromptTokens(prompt: unknown, model?: string): number {
  if (typeof prompt === 'string') return countTextTokens(prompt, model);
  let total = 0;
  for (const item of asArray(prompt)) {
    if (typeof item === 'string') total += countTextTokens(item, model);
    // Pre-tokenised prompt: the length is the token count.
    else if (typeof item === 'number') total += 1;
    else if (Array.isArray(item)) total += item.length;
  }
  return total;
}

function countContentTokens(content: unknown, count: (text: string) => number): number {
  if (typeof content === 'string') return content === '' ? 0 : count(content);
  let total = 0;
  for (const part of asArray(content)) {
    if (!isRecord(part)) continue;
    const text = asString(part.text) ?? asString(part.refusal);
    if (text) total += count(text);
    else if (part.type === 'image_url' || part.type === 'image') total += TOKENS_PER_IMAGE;
  }
  return total;
}

function countFunctionCall(fn: Record<string, unknown>, count: (text: string) => number): number {
  return count(asString(fn.name) ?? '') + count(asString(fn.arguments) ?? '');
}
