/**
 * OpenAI chat request -> Anthropic Messages request.
 *
 * Mapped: messages (system/developer -> `system`; tool and legacy function results -> `tool_result`),
 * max_tokens / max_completion_tokens, temperature (clamped to Anthropic's 0..1), top_p, top_k, stop,
 * stream, user -> metadata.user_id, tools / functions, tool_choice / function_call, parallel_tool_calls,
 * thinking (Anthropic shape) and reasoning_effort -> thinking budget.
 *
 * Dropped, because the Messages API has no equivalent: frequency_penalty, presence_penalty, logit_bias,
 * logprobs, top_logprobs, n, seed, response_format, stream_options (usage is always streamed), service_tier,
 * store, metadata (OpenAI's), modalities, audio, prediction, web_search_options, verbosity,
 * enable_thinking, chat_template_kwargs, and any other unknown field. Assistant `reasoning_content` in
 * history is dropped too (Anthropic needs the signed thinking blocks, which OpenAI clients do not keep).
 */
import { ProviderRequestError } from '../provider-request.error';
import {
  asArray,
  asFiniteNumber,
  asString,
  isRecord,
  tryParseJson,
  type JsonObject,
} from '../shared/json-guards';
import type {
  AnthropicContentBlock,
  AnthropicDocumentBlock,
  AnthropicImageBlock,
  AnthropicMessage,
  AnthropicMessagesRequest,
  AnthropicTextBlock,
  AnthropicThinking,
  AnthropicTool,
  AnthropicToolChoice,
  AnthropicToolResultBlock,
  AnthropicToolUseBlock,
  CacheControl,
} from './anthropic.types';

export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;
const MAX_USER_ID_LENGTH = 256;
/** reasoning_effort -> thinking budget (Anthropic's minimum budget is 1024). */
const THINKING_BUDGET: Record<string, number> = { low: 1024, medium: 2048, high: 4096 };
const IMAGE_MEDIA_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

function invalid(message: string, param: string | null): ProviderRequestError {
  return new ProviderRequestError(message, 400, 'invalid_request_error', param);
}

export function toAnthropicRequest(
  body: JsonObject,
  model: string,
  stream: boolean,
): AnthropicMessagesRequest {
  const { system, messages } = convertMessages(body.messages);
  const request: AnthropicMessagesRequest = { model, max_tokens: maxTokens(body), messages };
  if (system !== undefined) request.system = system;

  const temperature = asFiniteNumber(body.temperature);
  if (temperature !== undefined) request.temperature = Math.min(1, Math.max(0, temperature));
  const topP = asFiniteNumber(body.top_p);
  if (topP !== undefined) request.top_p = topP;
  const topK = asFiniteNumber(body.top_k);
  if (topK !== undefined) request.top_k = topK;
  const stop = stopSequences(body.stop);
  if (stop.length > 0) request.stop_sequences = stop;
  if (stream) request.stream = true;
  const user = asString(body.user);
  if (user) request.metadata = { user_id: user.slice(0, MAX_USER_ID_LENGTH) };

  const tools = convertTools(body.tools, body.functions);
  if (tools.length > 0) {
    request.tools = tools;
    const choice = convertToolChoice(
      body.tool_choice ?? body.function_call,
      body.parallel_tool_calls === false,
    );
    if (choice !== undefined) request.tool_choice = choice;
  }

  applyThinking(request, body);
  return request;
}

function maxTokens(body: JsonObject): number {
  for (const value of [body.max_tokens, body.max_completion_tokens]) {
    const n = asFiniteNumber(value);
    if (n !== undefined && n > 0) return Math.floor(n);
  }
  return ANTHROPIC_DEFAULT_MAX_TOKENS;
}

function stopSequences(stop: unknown): string[] {
  const list =
    typeof stop === 'string' ? [stop] : asArray(stop).filter((s): s is string => typeof s === 'string');
  // Anthropic rejects whitespace-only stop sequences.
  return list.filter((s) => s.trim() !== '');
}

// ---------------------------------------------------------------------------------------------------------
// Messages

interface ConvertedMessages {
  system: string | AnthropicTextBlock[] | undefined;
  messages: AnthropicMessage[];
}

/** Ids for legacy `function_call`s, which have none, so the following `function` result can refer to it. */
interface IdState {
  counter: number;
  pendingFunctionCallId: string | undefined;
}

function convertMessages(input: unknown): ConvertedMessages {
  if (!Array.isArray(input)) throw invalid('messages must be an array', 'messages');
  const systemBlocks: AnthropicTextBlock[] = [];
  const turns: AnthropicMessage[] = [];
  const ids: IdState = { counter: 0, pendingFunctionCallId: undefined };

  input.forEach((message: unknown, i) => {
    const path = `messages[${i}]`;
    if (!isRecord(message)) throw invalid(`${path} must be an object`, path);
    switch (message.role) {
      case 'system':
      case 'developer':
        // The Messages API has one top-level system prompt, so every system message is hoisted there.
        systemBlocks.push(...textOnlyBlocks(message.content, `${path}.content`));
        break;
      case 'user':
        appendTurn(turns, 'user', userBlocks(message.content, `${path}.content`));
        break;
      case 'assistant':
        appendTurn(turns, 'assistant', assistantBlocks(message, path, ids));
        break;
      case 'tool': {
        const toolCallId = asString(message.tool_call_id);
        if (!toolCallId)
          throw invalid(`${path}.tool_call_id is required for tool messages`, `${path}.tool_call_id`);
        appendTurn(turns, 'user', [
          toolResult(toolUseId(toolCallId, ids), message.content, `${path}.content`),
        ]);
        break;
      }
      case 'function': {
        const id = ids.pendingFunctionCallId ?? nextId(ids);
        ids.pendingFunctionCallId = undefined;
        appendTurn(turns, 'user', [toolResult(id, message.content, `${path}.content`)]);
        break;
      }
      default:
        throw invalid(`${path}.role '${String(message.role)}' is not supported`, `${path}.role`);
    }
  });

  for (const turn of turns) {
    // tool_result blocks must open the user turn that answers a tool_use.
    if (turn.role === 'user') turn.content = toolResultsFirst(turn.content);
  }
  trimFinalAssistant(turns);
  if (turns.length === 0)
    throw invalid('messages must contain at least one user or assistant message', 'messages');
  return { system: systemValue(systemBlocks), messages: turns };
}

/** Anthropic wants alternating roles: consecutive same-role messages become one turn; empty ones vanish. */
function appendTurn(
  turns: AnthropicMessage[],
  role: 'user' | 'assistant',
  blocks: AnthropicContentBlock[],
): void {
  if (blocks.length === 0) return;
  const last = turns[turns.length - 1];
  if (last !== undefined && last.role === role) last.content.push(...blocks);
  else turns.push({ role, content: blocks });
}

function toolResultsFirst(blocks: AnthropicContentBlock[]): AnthropicContentBlock[] {
  const results = blocks.filter((b) => b.type === 'tool_result');
  if (results.length === 0 || results.length === blocks.length) return blocks;
  return [...results, ...blocks.filter((b) => b.type !== 'tool_result')];
}

/** A final assistant turn is a prefill, and Anthropic rejects prefills ending in whitespace. */
function trimFinalAssistant(turns: AnthropicMessage[]): void {
  const last = turns[turns.length - 1];
  if (last === undefined || last.role !== 'assistant') return;
  const block = last.content[last.content.length - 1];
  if (block === undefined || block.type !== 'text') return;
  block.text = block.text.trimEnd();
  if (block.text === '') last.content.pop();
  if (last.content.length === 0) turns.pop();
}

function systemValue(blocks: AnthropicTextBlock[]): string | AnthropicTextBlock[] | undefined {
  if (blocks.length === 0) return undefined;
  // Keep blocks only when a cache marker needs them; otherwise the plain string is simplest.
  if (blocks.some((b) => b.cache_control !== undefined)) return blocks;
  return blocks.map((b) => b.text).join('\n\n');
}

function cacheControlOf(part: JsonObject): { cache_control?: CacheControl } {
  return isRecord(part.cache_control) ? { cache_control: part.cache_control } : {};
}

function textBlock(text: string, part?: JsonObject): AnthropicTextBlock {
  return { type: 'text', text, ...(part ? cacheControlOf(part) : {}) };
}

/** Text from a string or from text parts (system messages, assistant text). Empty text is dropped: Anthropic rejects it. */
function textOnlyBlocks(content: unknown, path: string): AnthropicTextBlock[] {
  if (typeof content === 'string') return content === '' ? [] : [textBlock(content)];
  if (content === null || content === undefined) return [];
  if (!Array.isArray(content)) throw invalid(`${path} must be a string or an array of content parts`, path);
  const blocks: AnthropicTextBlock[] = [];
  content.forEach((part: unknown, i) => {
    if (!isRecord(part)) throw invalid(`${path}[${i}] must be an object`, `${path}[${i}]`);
    const text = part.type === 'refusal' ? asString(part.refusal) : asString(part.text);
    if (text) blocks.push(textBlock(text, part));
  });
  return blocks;
}

function userBlocks(content: unknown, path: string): AnthropicContentBlock[] {
  if (typeof content === 'string') return content === '' ? [] : [textBlock(content)];
  if (content === null || content === undefined) return [];
  if (!Array.isArray(content)) throw invalid(`${path} must be a string or an array of content parts`, path);
  const blocks: AnthropicContentBlock[] = [];
  content.forEach((part: unknown, i) => {
    const partPath = `${path}[${i}]`;
    if (!isRecord(part)) throw invalid(`${partPath} must be an object`, partPath);
    switch (part.type) {
      case 'text': {
        const text = asString(part.text);
        if (text) blocks.push(textBlock(text, part));
        break;
      }
      case 'image_url':
        blocks.push(imageBlock(part, partPath));
        break;
      case 'file':
        blocks.push(fileBlock(part, partPath));
        break;
      default:
        throw invalid(
          `Content part type '${String(part.type)}' is not supported by Anthropic models`,
          `${partPath}.type`,
        );
    }
  });
  return blocks;
}

interface DataUrl {
  mediaType: string;
  base64: string;
}

function parseDataUrl(url: string): DataUrl | null {
  const match = /^data:([^;,]+)?((?:;[^;,]*)*?),(.*)$/s.exec(url);
  if (!match) return null;
  const mediaType = (match[1] ?? 'text/plain').toLowerCase();
  const isBase64 = /;base64$/i.test(match[2]);
  const base64 = isBase64 ? match[3] : Buffer.from(decodeURIComponent(match[3]), 'utf8').toString('base64');
  return { mediaType, base64 };
}

function imageBlock(part: JsonObject, path: string): AnthropicImageBlock {
  // `image_url` is `{url, detail}`; a few clients send the URL string directly.
  const url = isRecord(part.image_url) ? asString(part.image_url.url) : asString(part.image_url);
  if (!url) throw invalid(`${path}.image_url.url is required`, `${path}.image_url`);
  if (url.startsWith('data:')) {
    const data = parseDataUrl(url);
    const mediaType = data?.mediaType === 'image/jpg' ? 'image/jpeg' : data?.mediaType;
    if (!data || mediaType === undefined || !IMAGE_MEDIA_TYPES.has(mediaType)) {
      throw invalid('Images must be JPEG, PNG, GIF or WebP data URLs or http(s) URLs', `${path}.image_url`);
    }
    return {
      type: 'image',
      source: { type: 'base64', media_type: mediaType, data: data.base64 },
      ...cacheControlOf(part),
    };
  }
  if (!/^https?:\/\//i.test(url))
    throw invalid('Image URLs must be data: or http(s) URLs', `${path}.image_url`);
  return { type: 'image', source: { type: 'url', url }, ...cacheControlOf(part) };
}

/** OpenAI `file` parts: PDFs and plain text become documents, images become images. */
function fileBlock(part: JsonObject, path: string): AnthropicDocumentBlock | AnthropicImageBlock {
  const file = isRecord(part.file) ? part.file : {};
  const fileData = asString(file.file_data);
  const data = fileData ? parseDataUrl(fileData) : null;
  if (!data) {
    throw invalid(
      'Only inline file_data (data: URL) files are supported for Anthropic models',
      `${path}.file`,
    );
  }
  const title = asString(file.filename);
  const extra = { ...(title ? { title } : {}), ...cacheControlOf(part) };
  if (data.mediaType === 'application/pdf') {
    return {
      type: 'document',
      source: { type: 'base64', media_type: 'application/pdf', data: data.base64 },
      ...extra,
    };
  }
  if (data.mediaType.startsWith('text/')) {
    const text = Buffer.from(data.base64, 'base64').toString('utf8');
    return { type: 'document', source: { type: 'text', media_type: 'text/plain', data: text }, ...extra };
  }
  if (IMAGE_MEDIA_TYPES.has(data.mediaType)) {
    return {
      type: 'image',
      source: { type: 'base64', media_type: data.mediaType, data: data.base64 },
      ...cacheControlOf(part),
    };
  }
  throw invalid(`File type '${data.mediaType}' is not supported by Anthropic models`, `${path}.file`);
}

function assistantBlocks(message: JsonObject, path: string, ids: IdState): AnthropicContentBlock[] {
  const blocks: AnthropicContentBlock[] = [...textOnlyBlocks(message.content, `${path}.content`)];
  asArray(message.tool_calls).forEach((call, i) => {
    if (!isRecord(call) || !isRecord(call.function))
      throw invalid(`${path}.tool_calls[${i}] must be a function call`, `${path}.tool_calls`);
    const id = asString(call.id);
    blocks.push(toolUse(id ? toolUseId(id, ids) : nextId(ids), call.function, `${path}.tool_calls[${i}]`));
  });
  if (isRecord(message.function_call)) {
    const id = nextId(ids);
    ids.pendingFunctionCallId = id;
    blocks.push(toolUse(id, message.function_call, `${path}.function_call`));
  }
  return blocks;
}

function toolUse(id: string, fn: JsonObject, path: string): AnthropicToolUseBlock {
  const name = asString(fn.name);
  if (!name) throw invalid(`${path}.function.name is required`, path);
  return { type: 'tool_use', id, name, input: parseArguments(fn.arguments) };
}

/** `input` must be an object; models sometimes produce truncated or non-object JSON, which must not crash the request. */
function parseArguments(args: unknown): Record<string, unknown> {
  if (isRecord(args)) return args;
  if (typeof args !== 'string' || args.trim() === '') return {};
  const parsed = tryParseJson(args);
  return isRecord(parsed) ? parsed : {};
}

function toolResult(toolUseIdValue: string, content: unknown, path: string): AnthropicToolResultBlock {
  const block: AnthropicToolResultBlock = { type: 'tool_result', tool_use_id: toolUseIdValue };
  if (typeof content === 'string') {
    if (content !== '') block.content = content;
    return block;
  }
  if (content === null || content === undefined) return block;
  if (!Array.isArray(content)) throw invalid(`${path} must be a string or an array of content parts`, path);
  const parts: (AnthropicTextBlock | AnthropicImageBlock)[] = [];
  content.forEach((part: unknown, i) => {
    if (!isRecord(part)) return;
    if (part.type === 'image_url') parts.push(imageBlock(part, `${path}[${i}]`));
    else {
      const text = asString(part.text);
      if (text) parts.push(textBlock(text, part));
    }
  });
  if (parts.length > 0) block.content = parts;
  return block;
}

/** Anthropic ids must match ^[a-zA-Z0-9_-]+$; ids from other providers may not. Same input -> same output. */
function toolUseId(id: string, ids: IdState): string {
  const clean = id.replace(/[^a-zA-Z0-9_-]/g, '_');
  return clean === '' ? nextId(ids) : clean;
}

function nextId(ids: IdState): string {
  ids.counter += 1;
  return `toolu_gateway_${ids.counter}`;
}

// ---------------------------------------------------------------------------------------------------------
// Tools

function convertTools(tools: unknown, functions: unknown): AnthropicTool[] {
  const out: AnthropicTool[] = [];
  asArray(tools).forEach((tool, i) => {
    // Only function tools have an Anthropic equivalent; others (e.g. `custom`) are dropped.
    if (!isRecord(tool) || (tool.type !== undefined && tool.type !== 'function')) return;
    if (!isRecord(tool.function)) throw invalid(`tools[${i}].function is required`, `tools[${i}]`);
    out.push(convertFunction(tool.function, `tools[${i}].function`, tool));
  });
  asArray(functions).forEach((fn, i) => {
    if (!isRecord(fn)) throw invalid(`functions[${i}] must be an object`, `functions[${i}]`);
    out.push(convertFunction(fn, `functions[${i}]`, fn));
  });
  return out;
}

function convertFunction(fn: JsonObject, path: string, holder: JsonObject): AnthropicTool {
  const name = asString(fn.name);
  if (!name) throw invalid(`${path}.name is required`, `${path}.name`);
  const parameters = isRecord(fn.parameters) ? fn.parameters : {};
  // input_schema must be an object schema; OpenAI allows omitting parameters entirely.
  const inputSchema = {
    type: 'object',
    ...(parameters.type === undefined ? { properties: {} } : {}),
    ...parameters,
  };
  const tool: AnthropicTool = { name, input_schema: inputSchema };
  const description = asString(fn.description);
  if (description) tool.description = description;
  if (isRecord(holder.cache_control)) tool.cache_control = holder.cache_control;
  return tool;
}

function convertToolChoice(choice: unknown, disableParallel: boolean): AnthropicToolChoice | undefined {
  const parallel = disableParallel ? { disable_parallel_tool_use: true } : {};
  if (choice === undefined || choice === null)
    return disableParallel ? { type: 'auto', ...parallel } : undefined;
  if (choice === 'auto') return { type: 'auto', ...parallel };
  if (choice === 'required') return { type: 'any', ...parallel };
  if (choice === 'none') return { type: 'none' };
  if (isRecord(choice)) {
    // {type:'function', function:{name}} (tools) or {name} (legacy function_call).
    const name = isRecord(choice.function) ? asString(choice.function.name) : asString(choice.name);
    if (name) return { type: 'tool', name, ...parallel };
  }
  return disableParallel ? { type: 'auto', ...parallel } : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Extended thinking

function thinkingFrom(body: JsonObject): AnthropicThinking | undefined {
  const thinking = body.thinking;
  // Clients that know Anthropic send its own shape; pass it on.
  if (isRecord(thinking) && typeof thinking.type === 'string') return { ...thinking, type: thinking.type };
  const effort = asString(body.reasoning_effort);
  const budget = effort ? THINKING_BUDGET[effort] : undefined;
  return budget === undefined ? undefined : { type: 'enabled', budget_tokens: budget };
}

function applyThinking(request: AnthropicMessagesRequest, body: JsonObject): void {
  const thinking = thinkingFrom(body);
  if (thinking === undefined) return;
  request.thinking = thinking;
  if (thinking.type !== 'enabled') return;
  const budget = asFiniteNumber(thinking.budget_tokens);
  // budget_tokens must be below max_tokens; the client's max_tokens meant the visible answer.
  if (budget !== undefined && request.max_tokens <= budget) request.max_tokens = budget + request.max_tokens;
  // With thinking on, Anthropic only accepts the default sampling settings.
  delete request.temperature;
  delete request.top_p;
  delete request.top_k;
}
