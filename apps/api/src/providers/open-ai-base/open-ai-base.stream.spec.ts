import { join } from 'node:path';
import type { ClientRequest, StreamContext } from '../provider.types';
import { readFixture, replaySse } from '../testing/stream-fixture';
import { countChatPromptTokens, countTextTokens } from '../token-count';
import { OpenAiPassthroughStreamMapper, RawPassthroughStreamMapper } from './open-ai-base.stream';

const providersDir = join(__dirname, '..');
const ctx: StreamContext = { requestId: 'req-1', publicModel: 'my-chat', created: 1745222400 };
const messages = [{ role: 'user', content: 'What is the capital of France?' }];
const chatReq: ClientRequest = {
  capability: 'chat',
  body: { model: 'my-chat', messages, stream: true },
  stream: true,
};

function fixture(dir: string, name: string): string {
  return readFixture(join(providersDir, dir), name);
}

/** The `data:` payloads of a recorded stream, minus [DONE]. */
function recordedData(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: ') && line !== 'data: [DONE]')
    .map((line) => line.slice('data: '.length));
}

describe('OpenAiPassthroughStreamMapper', () => {
  it('forwards OpenAI chunks byte-for-byte and records the final usage chunk', () => {
    const text = fixture('openai', 'chat-stream-with-usage.sse');
    const result = replaySse(text, new OpenAiPassthroughStreamMapper(chatReq, ctx));
    expect(result.chunks.map((c) => c.data)).toEqual(recordedData(text));
    expect(result.usage).toEqual({ promptTokens: 19, completionTokens: 10, totalTokens: 29 });
    expect(result.chunks.filter((c) => c.finishReason).map((c) => c.finishReason)).toEqual(['stop']);
    expect(result.chunks[result.chunks.length - 1].usage).toEqual(result.usage);
  });

  it('forwards tool-call deltas untouched, one call finishing before the next starts', () => {
    const text = fixture('openai', 'chat-stream-tool-calls.sse');
    const result = replaySse(text, new OpenAiPassthroughStreamMapper(chatReq, ctx));
    expect(result.chunks.map((c) => c.data)).toEqual(recordedData(text));
    expect(result.chunks.find((c) => c.finishReason)?.finishReason).toBe('tool_calls');
    expect(result.usage).toEqual({ promptTokens: 112, completionTokens: 48, totalTokens: 160 });

    const calls = new Map<number, { id: string; name: string; arguments: string }>();
    for (const chunk of result.json) {
      for (const choice of chunk.choices as {
        delta: {
          tool_calls?: { index: number; id?: string; function: { name?: string; arguments: string } }[];
        };
      }[]) {
        for (const call of choice.delta.tool_calls ?? []) {
          const current = calls.get(call.index) ?? { id: '', name: '', arguments: '' };
          calls.set(call.index, {
            id: call.id ?? current.id,
            name: call.function.name ?? current.name,
            arguments: current.arguments + call.function.arguments,
          });
        }
      }
    }
    expect([...calls.values()]).toEqual([
      {
        id: 'call_Xq7bW3kR2yLmN9vT4pZs8uAe',
        name: 'get_weather',
        arguments: '{"location": "Paris, France"}',
      },
      {
        id: 'call_Hd5kP8sQ1wEr6tYu2iOp0aSd',
        name: 'get_local_time',
        arguments: '{"timezone":"Europe/Paris"}',
      },
    ]);
  });

  it('passes Azure chunks (prompt filter results first) through and records usage', () => {
    const text = fixture('azure', 'chat-stream.sse');
    const result = replaySse(text, new OpenAiPassthroughStreamMapper(chatReq, ctx));
    expect(result.chunks.map((c) => c.data)).toEqual(recordedData(text));
    expect(result.usage).toEqual({ promptTokens: 14, completionTokens: 3, totalTokens: 17 });
  });

  it('adds `choices: []` to a usage chunk that lacks it (Dify needs choices on every chunk)', () => {
    const text = fixture('openai-compatible', 'chat-stream-usage-without-choices.sse');
    const result = replaySse(text, new OpenAiPassthroughStreamMapper(chatReq, ctx));
    const recorded = recordedData(text);
    expect(result.chunks.slice(0, -1).map((c) => c.data)).toEqual(recorded.slice(0, -1));
    expect(result.json[result.json.length - 1]).toEqual({
      ...(JSON.parse(recorded[recorded.length - 1]) as object),
      choices: [],
    });
    expect(result.usage).toEqual({ promptTokens: 24, completionTokens: 6, totalTokens: 30 });
    expect(result.json.every((chunk) => Array.isArray(chunk.choices))).toBe(true);
  });

  it('counts tokens and ends with its own usage chunk when the upstream sends no usage', () => {
    const text = fixture('openai-compatible', 'chat-stream-without-usage.sse');
    const result = replaySse(text, new OpenAiPassthroughStreamMapper(chatReq, ctx));
    const recorded = recordedData(text);
    expect(result.chunks.slice(0, recorded.length).map((c) => c.data)).toEqual(recorded);

    const promptTokens = countChatPromptTokens(messages);
    const completionTokens = countTextTokens('The capital of France is Paris.');
    expect(result.usage).toEqual({
      promptTokens,
      completionTokens,
      totalTokens: promptTokens + completionTokens,
      estimated: true,
    });
    expect(result.json[result.json.length - 1]).toEqual({
      id: 'chatcmpl-412',
      object: 'chat.completion.chunk',
      created: 1745222400,
      model: 'llama3.2:3b',
      choices: [],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
    });
  });

  it('adds a standalone usage chunk when usage only rode on content chunks', () => {
    const mapper = new OpenAiPassthroughStreamMapper(chatReq, ctx);
    const chunk =
      '{"id":"c1","object":"chat.completion.chunk","created":5,"model":"m","choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}';
    expect(mapper.push({ data: chunk })).toEqual([
      { data: chunk, usage: { promptTokens: 3, completionTokens: 1, totalTokens: 4 }, finishReason: 'stop' },
    ]);
    mapper.push({ data: '[DONE]' });
    const end = mapper.end();
    expect(end.usage).toEqual({ promptTokens: 3, completionTokens: 1, totalTokens: 4 });
    expect(JSON.parse(end.chunks[0].data)).toEqual({
      id: 'c1',
      object: 'chat.completion.chunk',
      created: 5,
      model: 'm',
      choices: [],
      usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
    });
  });

  it('keeps the cached prompt tokens of the usage chunk, also in a usage chunk of its own', () => {
    const mapper = new OpenAiPassthroughStreamMapper(chatReq, ctx);
    const chunk =
      '{"id":"c1","object":"chat.completion.chunk","created":5,"model":"m","choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3000,"completion_tokens":1,"total_tokens":3001,"prompt_tokens_details":{"cached_tokens":2048}}}';
    const usage = { promptTokens: 3000, completionTokens: 1, totalTokens: 3001, cachedTokens: 2048 };
    expect(mapper.push({ data: chunk })).toEqual([{ data: chunk, usage, finishReason: 'stop' }]);
    const end = mapper.end();
    expect(end.usage).toEqual(usage);
    expect(JSON.parse(end.chunks[0].data).usage).toEqual({
      prompt_tokens: 3000,
      completion_tokens: 1,
      total_tokens: 3001,
      prompt_tokens_details: { cached_tokens: 2048 },
    });
  });

  it('turns an upstream error payload into {"error":{...}} and stops forwarding', () => {
    const mapper = new OpenAiPassthroughStreamMapper(chatReq, ctx);
    mapper.push({
      data: '{"id":"c","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}',
    });
    const [errorChunk] = mapper.push({
      data: '{"error":{"message":"The server had an error while processing your request.","type":"server_error","param":null,"code":null}}',
    });
    expect(errorChunk.error).toEqual({
      message: 'The server had an error while processing your request.',
      type: 'server_error',
      param: null,
      code: null,
    });
    expect(JSON.parse(errorChunk.data)).toEqual({ error: errorChunk.error });
    expect(
      mapper.push({
        data: '{"id":"c","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":null}]}',
      }),
    ).toEqual([]);
    const end = mapper.end();
    expect(end.chunks).toEqual([]);
    expect(end.usage?.estimated).toBe(true);
  });

  it('treats `event: error` and vLLM-style error objects as errors', () => {
    const vllm = new OpenAiPassthroughStreamMapper(chatReq, ctx);
    const [chunk] = vllm.push({
      data: '{"object":"error","message":"CUDA out of memory","type":"InternalServerError","param":null,"code":500}',
    });
    expect(chunk.error).toMatchObject({ message: 'CUDA out of memory', code: '500' });
    const named = new OpenAiPassthroughStreamMapper(chatReq, ctx);
    expect(named.push({ event: 'error', data: '{"message":"boom"}' })[0].error?.message).toBe('boom');
  });

  it('treats a chunk with a top-level error (OpenRouter style) as an error, but not nested filter errors', () => {
    const mapper = new OpenAiPassthroughStreamMapper(chatReq, ctx);
    const azureFilterHiccup =
      '{"id":"c","choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":null,"content_filter_results":{"error":{"code":"content_filter_error","message":"The contents are not filtered"}}}]}';
    expect(mapper.push({ data: azureFilterHiccup })).toEqual([{ data: azureFilterHiccup }]);
    const [chunk] = mapper.push({
      data: '{"id":"c","object":"chat.completion.chunk","error":{"code":502,"message":"Provider disconnected"},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]}',
    });
    expect(chunk.error).toEqual({
      message: 'Provider disconnected',
      type: 'server_error',
      code: '502',
      param: null,
    });
  });

  it('ends with an error chunk when the upstream closes mid-answer', () => {
    const mapper = new OpenAiPassthroughStreamMapper(chatReq, ctx);
    mapper.push({
      data: '{"id":"c","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}',
    });
    const end = mapper.end();
    expect(end.chunks).toHaveLength(1);
    expect(end.chunks[0].error?.code).toBe('upstream_stream_truncated');
    expect(end.usage).toMatchObject({ completionTokens: countTextTokens('Hel'), estimated: true });
  });

  it('drops non-JSON data and adds choices to stray JSON chunks', () => {
    const mapper = new OpenAiPassthroughStreamMapper(chatReq, ctx);
    expect(mapper.push({ data: 'keep-alive' })).toEqual([]);
    expect(mapper.push({ data: '{"id":"x","object":"chat.completion.chunk"}' })).toEqual([
      { data: '{"id":"x","object":"chat.completion.chunk","choices":[]}' },
    ]);
  });

  it('does not parse ordinary chunks that carry "usage": null', () => {
    const parse = jest.spyOn(JSON, 'parse');
    const mapper = new OpenAiPassthroughStreamMapper(chatReq, ctx);
    mapper.push({
      data: '{"id":"c","choices":[{"index":0,"delta":{"content":"the \\"usage\\": {"},"finish_reason":null}],"usage":null}',
    });
    expect(parse).not.toHaveBeenCalled();
    parse.mockRestore();
  });

  it('counts legacy completions prompts for the estimate', () => {
    const req: ClientRequest = {
      capability: 'completions',
      body: { model: 'm', prompt: 'Say hi', stream: true },
      stream: true,
    };
    const mapper = new OpenAiPassthroughStreamMapper(req, ctx);
    mapper.push({
      data: '{"id":"cmpl-1","object":"text_completion","created":1,"model":"m","choices":[{"index":0,"text":" hi","finish_reason":"stop"}]}',
    });
    const end = mapper.end();
    expect(end.usage).toEqual({
      promptTokens: countTextTokens('Say hi'),
      completionTokens: countTextTokens(' hi'),
      totalTokens: countTextTokens('Say hi') + countTextTokens(' hi'),
      estimated: true,
    });
    expect(JSON.parse(end.chunks[0].data)).toMatchObject({
      id: 'cmpl-1',
      object: 'text_completion',
      choices: [],
    });
  });
});

describe('RawPassthroughStreamMapper', () => {
  it('forwards transcription events verbatim and records their usage', () => {
    const mapper = new RawPassthroughStreamMapper();
    const delta = '{"type":"transcript.text.delta","delta":"Hello"}';
    const done =
      '{"type":"transcript.text.done","text":"Hello","usage":{"type":"tokens","input_tokens":14,"output_tokens":2,"total_tokens":16}}';
    expect(mapper.push({ data: delta })).toEqual([{ data: delta }]);
    expect(mapper.push({ data: done })[0].data).toBe(done);
    expect(mapper.end()).toEqual({
      usage: { promptTokens: 14, completionTokens: 2, totalTokens: 16 },
      chunks: [],
    });
  });
});
