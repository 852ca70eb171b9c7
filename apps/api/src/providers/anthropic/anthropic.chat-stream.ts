/**
 * Anthropic Messages stream events -> OpenAI `chat.completion.chunk`s, as a pure state machine.
 *
 * message_start -> role chunk; text/thinking deltas -> content / reasoning_content; tool_use blocks ->
 * tool_calls deltas (index counts tool calls, not content blocks); message_delta -> finish_reason;
 * message_stop -> the usage chunk (`choices: []`); error -> `{"error":{...}}`.
 */
import type {
  ClientRequest,
  OpenAiErrorObject,
  StreamChunkOut,
  StreamContext,
  StreamMapper,
  Usage,
} from '../provider.types';
import { asFiniteNumber, asString, isRecord, tryParseJson, type JsonObject } from '../shared/json-guards';
import { errorChunkData } from '../shared/openai-error';
import { countChatPromptTokens, countTextTokens } from '../token-count';
import { openAiUsageBody, usageFromAnthropic } from './anthropic.chat-response';
import { mapAnthropicErrorBody } from './anthropic.error';
import { toFinishReason } from './anthropic.finish-reason';

interface ToolBlockState {
  toolIndex: number;
  sentArguments: boolean;
}

export class AnthropicStreamMapper implements StreamMapper {
  private id: string;
  /** `{"id":…,"choices":[{"index":0,"delta":` — built once per message id, every chunk reuses it. */
  private chunkPrefix: string;
  private readonly toolBlocks = new Map<number, ToolBlockState>();
  private nextToolIndex = 0;
  private inputUsage: JsonObject = {};
  private outputTokens: number | null = null;
  /** Streamed text, kept only to estimate output tokens if the stream dies before message_delta. */
  private readonly streamedText: string[] = [];
  private usageSent = false;
  private errored = false;

  constructor(
    private readonly req: ClientRequest,
    private readonly ctx: StreamContext,
  ) {
    this.id = `chatcmpl-${ctx.requestId}`;
    this.chunkPrefix = this.buildPrefix();
  }

  push(event: { event?: string; data: string }): StreamChunkOut[] {
    if (this.errored) return [];
    const payload = tryParseJson(event.data);
    if (!isRecord(payload)) return [];
    const type = asString(payload.type) ?? event.event;
    switch (type) {
      case 'message_start':
        return this.onMessageStart(payload);
      case 'content_block_start':
        return this.onBlockStart(payload);
      case 'content_block_delta':
        return this.onBlockDelta(payload);
      case 'content_block_stop':
        return this.onBlockStop(payload);
      case 'message_delta':
        return this.onMessageDelta(payload);
      case 'message_stop':
        return this.onMessageStop();
      case 'error':
        return this.errorChunks(mapAnthropicErrorBody(500, payload));
      default:
        // ping and future event types carry nothing for the client.
        return [];
    }
  }

  end(): { usage: Usage | null; chunks: StreamChunkOut[] } {
    if (this.errored || this.usageSent) return { usage: this.currentUsage(), chunks: [] };
    // No message_stop: the upstream went away mid-answer. Say so rather than ending silently.
    const chunks = this.errorChunks({
      message: 'The upstream stream ended before the response was complete.',
      type: 'server_error',
      code: 'upstream_stream_truncated',
      param: null,
    });
    return { usage: this.currentUsage(), chunks };
  }

  private onMessageStart(payload: JsonObject): StreamChunkOut[] {
    const message = isRecord(payload.message) ? payload.message : {};
    const id = asString(message.id);
    if (id) {
      this.id = id;
      this.chunkPrefix = this.buildPrefix();
    }
    if (isRecord(message.usage)) this.inputUsage = message.usage;
    return [this.chunk({ role: 'assistant', content: '' })];
  }

  private onBlockStart(payload: JsonObject): StreamChunkOut[] {
    const blockIndex = asFiniteNumber(payload.index) ?? -1;
    const block = isRecord(payload.content_block) ? payload.content_block : {};
    switch (block.type) {
      case 'text':
        return this.textChunks('content', asString(block.text));
      case 'thinking':
        return this.textChunks('reasoning_content', asString(block.thinking));
      case 'tool_use': {
        // One tool call is complete before the next starts (Anthropic streams blocks in order), which is
        // what Dify needs to merge deltas by id.
        const toolIndex = this.nextToolIndex++;
        this.toolBlocks.set(blockIndex, { toolIndex, sentArguments: false });
        const name = asString(block.name) ?? '';
        this.streamedText.push(name);
        const call = {
          index: toolIndex,
          id: asString(block.id) ?? '',
          type: 'function',
          function: { name, arguments: '' },
        };
        return [this.chunk({ tool_calls: [call] })];
      }
      default:
        return [];
    }
  }

  private onBlockDelta(payload: JsonObject): StreamChunkOut[] {
    const delta = isRecord(payload.delta) ? payload.delta : {};
    switch (delta.type) {
      case 'text_delta':
        return this.textChunks('content', asString(delta.text));
      case 'thinking_delta':
        return this.textChunks('reasoning_content', asString(delta.thinking));
      case 'input_json_delta': {
        const tool = this.toolBlocks.get(asFiniteNumber(payload.index) ?? -1);
        const partial = asString(delta.partial_json);
        if (!tool || !partial) return [];
        tool.sentArguments = true;
        this.streamedText.push(partial);
        return [this.chunk({ tool_calls: [{ index: tool.toolIndex, function: { arguments: partial } }] })];
      }
      default:
        // signature_delta, citations_delta: no OpenAI equivalent.
        return [];
    }
  }

  private onBlockStop(payload: JsonObject): StreamChunkOut[] {
    const tool = this.toolBlocks.get(asFiniteNumber(payload.index) ?? -1);
    if (!tool || tool.sentArguments) return [];
    // A tool without parameters streams no JSON at all; clients then JSON.parse("") and fail.
    tool.sentArguments = true;
    return [this.chunk({ tool_calls: [{ index: tool.toolIndex, function: { arguments: '{}' } }] })];
  }

  private onMessageDelta(payload: JsonObject): StreamChunkOut[] {
    if (isRecord(payload.usage)) {
      const usage = payload.usage;
      const output = asFiniteNumber(usage.output_tokens);
      if (output !== undefined) this.outputTokens = output;
      // Newer API versions repeat the (cumulative) input counts here.
      if (asFiniteNumber(usage.input_tokens) !== undefined)
        this.inputUsage = { ...this.inputUsage, ...usage };
    }
    const delta = isRecord(payload.delta) ? payload.delta : {};
    const finishReason = toFinishReason(asString(delta.stop_reason));
    return finishReason === null ? [] : [this.chunk({}, finishReason)];
  }

  private onMessageStop(): StreamChunkOut[] {
    const usage = this.currentUsage();
    this.usageSent = true;
    const mapped = usageFromAnthropic({ ...this.inputUsage, output_tokens: usage.completionTokens });
    const body = {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.ctx.created,
      model: this.ctx.publicModel,
      choices: [],
      usage: openAiUsageBody(usage, mapped?.cachedTokens ?? 0),
    };
    return [{ data: JSON.stringify(body), usage }];
  }

  private errorChunks(error: OpenAiErrorObject): StreamChunkOut[] {
    this.errored = true;
    return [{ data: errorChunkData(error), error }];
  }

  private textChunks(field: 'content' | 'reasoning_content', text: string | undefined): StreamChunkOut[] {
    if (!text) return [];
    this.streamedText.push(text);
    return [this.chunk({ [field]: text })];
  }

  private buildPrefix(): string {
    const head = JSON.stringify({
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.ctx.created,
      model: this.ctx.publicModel,
    });
    return `${head.slice(0, -1)},"choices":[{"index":0,"delta":`;
  }

  private chunk(delta: Record<string, unknown>, finishReason: string | null = null): StreamChunkOut {
    const data = `${this.chunkPrefix}${JSON.stringify(delta)},"finish_reason":${finishReason === null ? 'null' : JSON.stringify(finishReason)}}]}`;
    return finishReason === null ? { data } : { data, finishReason };
  }

  /** Upstream counts when we have them; local counts for whatever the stream never reported. */
  private currentUsage(): Usage {
    const reported = usageFromAnthropic({ ...this.inputUsage, output_tokens: this.outputTokens ?? 0 });
    const hasInput = asFiniteNumber(this.inputUsage.input_tokens) !== undefined;
    const promptTokens = hasInput && reported ? reported.usage.promptTokens : this.estimatePromptTokens();
    const completionTokens = this.outputTokens ?? countTextTokens(this.streamedText.join(''));
    const usage: Usage = { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
    if (hasInput && reported?.usage.cachedTokens) usage.cachedTokens = reported.usage.cachedTokens;
    if (!hasInput || this.outputTokens === null) usage.estimated = true;
    return usage;
  }

  private estimatePromptTokens(): number {
    return countChatPromptTokens(this.req.body.messages, {
      tools: this.req.body.tools ?? this.req.body.functions,
    });
  }
}
