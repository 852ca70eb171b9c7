/**
 * Stream mapper for OpenAI-compatible upstreams. Chunks are already in the client's format, so the hot
 * path forwards each `data` string untouched; JSON is parsed only for the rare chunks that need a change
 * (usage chunk without `choices`, error payloads, odd chunks) and, at the end, to count tokens when the
 * upstream never reported usage.
 */
import type {
  ClientRequest,
  OpenAiErrorObject,
  StreamChunkOut,
  StreamContext,
  StreamMapper,
  Usage,
} from '../provider.types';
import {
  asArray,
  asFiniteNumber,
  asString,
  isRecord,
  tryParseJson,
  type JsonObject,
} from '../shared/json-guards';
import { errorChunkData, toOpenAiErrorObject } from '../shared/openai-error';
import { countChatPromptTokens, countCompletionPromptTokens, countTextTokens } from '../token-count';
import { extractUpstreamErrorDetails } from '../upstream-error';
import { hasObjectValue, scanStringValue } from './json-scan';
import { usageFromOpenAi, usageToOpenAi } from './open-ai-base.usage';

/** Chunk metadata reused when the gateway has to add a usage chunk of its own. */
interface ChunkMeta {
  id?: string;
  object?: string;
  created?: number;
  model?: string;
}

export class OpenAiPassthroughStreamMapper implements StreamMapper {
  private usage: Usage | null = null;
  /** The latest usage went out as a standalone `choices: []` chunk (vs. riding on a content chunk). */
  private usageChunkSent = false;
  /** Raw chunks kept only until usage shows up, for counting tokens if it never does. */
  private retained: string[] | null = [];
  private meta: ChunkMeta = {};
  private sawDone = false;
  private sawFinish = false;
  private errored = false;

  constructor(
    private readonly req: ClientRequest,
    private readonly ctx: StreamContext,
  ) {}

  push(event: { event?: string; data: string }): StreamChunkOut[] {
    const data = event.data;
    if (isDoneMarker(data)) {
      this.sawDone = true;
      return [];
    }
    if (this.errored) return [];
    if (event.event === 'error') return this.errorChunk(tryParseJson(data));
    // Some gateways (e.g. OpenRouter) report mid-stream failures as a chunk with a top-level `error`.
    if (hasObjectValue(data, 'error')) {
      const parsed = tryParseJson(data);
      if (isErrorPayload(parsed)) return this.errorChunk(parsed);
    }
    if (hasObjectValue(data, 'usage')) return this.usageChunk(data);
    if (!data.includes('"choices"')) return this.oddChunk(data);

    this.retained?.push(data);
    const finishReason = scanStringValue(data, 'finish_reason');
    if (finishReason === undefined) return [{ data }];
    this.sawFinish = true;
    return [{ data, finishReason }];
  }

  end(): { usage: Usage | null; chunks: StreamChunkOut[] } {
    if (this.errored) return { usage: this.usage ?? this.estimateUsage(), chunks: [] };
    if (!this.sawDone && !this.sawFinish && this.usage === null) {
      // The upstream closed without finishing: tell the client instead of ending silently.
      this.errored = true;
      const error: OpenAiErrorObject = {
        message: 'The upstream stream ended before the response was complete.',
        type: 'server_error',
        code: 'upstream_stream_truncated',
        param: null,
      };
      return { usage: this.estimateUsage(), chunks: [{ data: errorChunkData(error), error }] };
    }
    if (this.usage !== null && this.usageChunkSent) return { usage: this.usage, chunks: [] };
    const usage = this.usage ?? this.estimateUsage();
    return { usage, chunks: [{ data: JSON.stringify(this.usageChunkBody(usage)), usage }] };
  }

  private usageChunk(data: string): StreamChunkOut[] {
    const chunk = tryParseJson(data);
    if (!isRecord(chunk)) return [];
    if (isErrorPayload(chunk)) return this.errorChunk(chunk);
    const usage = usageFromOpenAi(chunk.usage);
    this.rememberMeta(chunk);
    if (usage === null) return this.passthroughParsed(data, chunk);
    this.usage = usage;
    this.retained = null;
    const choices = chunk.choices;
    if (Array.isArray(choices) && choices.length > 0) {
      // Usage riding on a content chunk (e.g. vLLM continuous usage stats): forward as-is, and make sure
      // a standalone usage chunk follows at the end unless the upstream sends one.
      this.usageChunkSent = false;
      const finishReason = scanStringValue(data, 'finish_reason');
      if (finishReason !== undefined) this.sawFinish = true;
      return [finishReason === undefined ? { data, usage } : { data, usage, finishReason }];
    }
    this.usageChunkSent = true;
    // Dify requires a `choices` key on every chunk; some servers omit it on the usage chunk.
    if (choices === undefined) return [{ data: JSON.stringify({ ...chunk, choices: [] }), usage }];
    return [{ data, usage }];
  }

  /** No `choices` and no usage: an error payload, or a chunk that needs `choices: []` added. */
  private oddChunk(data: string): StreamChunkOut[] {
    const chunk = tryParseJson(data);
    // Not JSON: forwarding it would break the client's parser.
    if (!isRecord(chunk)) return [];
    if (isErrorPayload(chunk)) return this.errorChunk(chunk);
    this.rememberMeta(chunk);
    return [{ data: JSON.stringify({ ...chunk, choices: [] }) }];
  }

  private passthroughParsed(data: string, chunk: JsonObject): StreamChunkOut[] {
    if (chunk.choices === undefined) return [{ data: JSON.stringify({ ...chunk, choices: [] }) }];
    this.retained?.push(data);
    return [{ data }];
  }

  private errorChunk(payload: unknown): StreamChunkOut[] {
    this.errored = true;
    const details = extractUpstreamErrorDetails(payload);
    const error = toOpenAiErrorObject(500, details);
    return [{ data: errorChunkData(error), error }];
  }

  private rememberMeta(chunk: JsonObject): void {
    this.meta = {
      id: nonEmpty(chunk.id) ?? this.meta.id,
      object: nonEmpty(chunk.object) ?? this.meta.object,
      created: asFiniteNumber(chunk.created) || this.meta.created,
      model: nonEmpty(chunk.model) ?? this.meta.model,
    };
  }

  private usageChunkBody(usage: Usage): JsonObject {
    const isChat = this.req.capability === 'chat';
    return {
      id: this.meta.id ?? `${isChat ? 'chatcmpl' : 'cmpl'}-${this.ctx.requestId}`,
      object: this.meta.object ?? (isChat ? 'chat.completion.chunk' : 'text_completion'),
      created: this.meta.created ?? this.ctx.created,
      model: this.meta.model ?? this.ctx.publicModel,
      choices: [],
      usage: usageToOpenAi(usage),
    };
  }

  /** Counts tokens locally from the request and the forwarded chunks; only runs when usage never came. */
  private estimateUsage(): Usage {
    const texts: string[] = [];
    for (const data of this.retained ?? []) {
      const chunk = tryParseJson(data);
      if (!isRecord(chunk)) continue;
      this.rememberMeta(chunk);
      for (const choice of asArray(chunk.choices)) collectChoiceText(choice, texts);
    }
    this.retained = null;
    const model = this.meta.model ?? asString(this.req.body.model);
    const promptTokens =
      this.req.capability === 'completions'
        ? countCompletionPromptTokens(this.req.body.prompt, model)
        : countChatPromptTokens(this.req.body.messages, {
            model,
            tools: this.req.body.tools ?? this.req.body.functions,
          });
    const completionTokens = countTextTokens(texts.join(''), model);
    return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens, estimated: true };
  }
}

function isDoneMarker(data: string): boolean {
  return data === '[DONE]' || (data.length < 16 && data.trim() === '[DONE]');
}

function isErrorPayload(chunk: unknown): boolean {
  if (!isRecord(chunk)) return false;
  return (chunk.error !== undefined && chunk.error !== null) || chunk.object === 'error';
}

/** Azure's first chunk has `"id":""`, `"model":""`, `"created":0`: not worth remembering. */
function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function collectChoiceText(choice: unknown, texts: string[]): void {
  if (!isRecord(choice)) return;
  const text = asString(choice.text); // legacy completions
  if (text) texts.push(text);
  const delta = choice.delta;
  if (!isRecord(delta)) return;
  for (const key of ['content', 'reasoning_content', 'reasoning', 'refusal']) {
    const value = asString(delta[key]);
    if (value) texts.push(value);
  }
  const calls = [
    ...asArray(delta.tool_calls),
    ...(isRecord(delta.function_call) ? [{ function: delta.function_call }] : []),
  ];
  for (const call of calls) {
    if (!isRecord(call) || !isRecord(call.function)) continue;
    const name = asString(call.function.name);
    if (name) texts.push(name);
    const args = asString(call.function.arguments);
    if (args) texts.push(args);
  }
}

/** Non-chat streams (e.g. transcription deltas) are forwarded verbatim; usage is recorded if present. */
export class RawPassthroughStreamMapper implements StreamMapper {
  private usage: Usage | null = null;

  push(event: { event?: string; data: string }): StreamChunkOut[] {
    if (isDoneMarker(event.data)) return [];
    if (hasObjectValue(event.data, 'usage')) {
      const parsed = tryParseJson(event.data);
      const usage = isRecord(parsed) ? usageFromOpenAi(parsed.usage) : null;
      if (usage !== null) {
        this.usage = usage;
        return [{ data: event.data, usage }];
      }
    }
    return [{ data: event.data }];
  }

  end(): { usage: Usage | null; chunks: StreamChunkOut[] } {
    return { usage: this.usage, chunks: [] };
  }
}
