import { ProviderRequestError } from '../provider-request.error';
import type { ClientRequest, UpstreamTarget } from '../provider.types';
import { OpenAiBaseAdapter, type OpenAiBaseConfig } from './open-ai-base.adapter';
import { joinUrl } from '../shared/join-url';
import type { Capability } from '../provider.types';

const config: OpenAiBaseConfig = {
  name: 'openai-compatible',
  capabilities: new Set<Capability>([
    'chat',
    'completions',
    'embeddings',
    'rerank',
    'audio.speech',
    'audio.transcriptions',
  ]),
  url: (target, path) => joinUrl(target.apiBase ?? 'http://unset', path),
  authHeaders: (target): Record<string, string> =>
    target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {},
  acceptsStreamUsage: () => true,
  healthCheck: () => ({ method: 'GET', path: '/models' }),
};
const adapter = new OpenAiBaseAdapter(config);
const target: UpstreamTarget = {
  apiBase: 'http://vllm:8000/v1/',
  apiKey: 'sk-local-123456',
  apiVersion: null,
  model: 'Qwen/Qwen2.5-7B-Instruct',
};

function chat(body: Record<string, unknown>): ClientRequest {
  return { capability: 'chat', body, stream: body.stream === true };
}

function jsonBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'string') throw new Error('expected a JSON body');
  return JSON.parse(body) as Record<string, unknown>;
}

describe('OpenAiBaseAdapter.buildRequest', () => {
  it('only swaps the model and passes every other field through untouched', () => {
    const body = {
      model: 'my-chat',
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 0.2,
      chat_template_kwargs: { enable_thinking: false },
      reasoning_effort: 'low',
      some_future_field: { nested: [1, 2] },
      stream: false,
    };
    const request = adapter.buildRequest(chat(body), target);
    expect(request).toMatchObject({
      method: 'POST',
      url: 'http://vllm:8000/v1/chat/completions',
      headers: { authorization: 'Bearer sk-local-123456', 'content-type': 'application/json' },
    });
    expect(jsonBody(request.body)).toEqual({ ...body, model: 'Qwen/Qwen2.5-7B-Instruct' });
  });

  it('asks for usage on streamed chat and completions, keeping other stream_options', () => {
    const streamed = adapter.buildRequest(
      chat({ model: 'x', messages: [], stream: true, stream_options: { continuous_usage_stats: true } }),
      target,
    );
    expect(jsonBody(streamed.body).stream_options).toEqual({
      continuous_usage_stats: true,
      include_usage: true,
    });

    const withoutOptions = adapter.buildRequest(
      { capability: 'completions', body: { model: 'x', prompt: 'a', stream: true }, stream: true },
      target,
    );
    expect(jsonBody(withoutOptions.body).stream_options).toEqual({ include_usage: true });

    const notStreamed = adapter.buildRequest(chat({ model: 'x', messages: [] }), target);
    expect(jsonBody(notStreamed.body)).not.toHaveProperty('stream_options');
  });

  it('does not add stream_options when the upstream rejects them', () => {
    const strict = new OpenAiBaseAdapter({ ...config, acceptsStreamUsage: () => false });
    const request = strict.buildRequest(chat({ model: 'x', messages: [], stream: true }), target);
    expect(jsonBody(request.body)).not.toHaveProperty('stream_options');
  });

  it.each([
    ['chat', '/chat/completions'],
    ['completions', '/completions'],
    ['embeddings', '/embeddings'],
    ['rerank', '/rerank'],
    ['audio.speech', '/audio/speech'],
  ] as const)('%s goes to %s', (capability, path) => {
    const request = adapter.buildRequest({ capability, body: { model: 'x' }, stream: false }, target);
    expect(request.url).toBe(`http://vllm:8000/v1${path}`);
  });

  it('passes multipart transcriptions through, rewriting only the model field', () => {
    const boundary = '----formdata-undici-0123456789';
    const audio = Buffer.from([0x49, 0x44, 0x33, 0x04, 0x00, 0x0d, 0x0a, 0xff, 0xfe]);
    const raw = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="model.mp3"\r\nContent-Type: audio/mpeg\r\n\r\n`,
      ),
      audio,
      Buffer.from(
        `\r\n--${boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\nwhisper\r\n--${boundary}--\r\n`,
      ),
    ]);
    const contentType = `multipart/form-data; boundary=${boundary}`;
    const request = adapter.buildRequest(
      { capability: 'audio.transcriptions', body: {}, rawBody: raw, contentType, stream: false },
      { ...target, model: 'whisper-large-v3' },
    );
    expect(request.url).toBe('http://vllm:8000/v1/audio/transcriptions');
    expect(request.headers['content-type']).toBe(contentType);
    const expected = Buffer.from(
      raw.toString('latin1').replace('\r\n\r\nwhisper\r\n', '\r\n\r\nwhisper-large-v3\r\n'),
      'latin1',
    );
    expect(Buffer.isBuffer(request.body) && request.body.equals(expected)).toBe(true);
  });

  it('returns the very same buffer when the multipart model already matches', () => {
    const raw = Buffer.from(
      '--b\r\nContent-Disposition: form-data; name="model"\r\n\r\nwhisper-1\r\n--b--\r\n',
    );
    const request = adapter.buildRequest(
      {
        capability: 'audio.transcriptions',
        body: {},
        rawBody: raw,
        contentType: 'multipart/form-data; boundary=b',
        stream: false,
      },
      { ...target, model: 'whisper-1' },
    );
    expect(request.body).toBe(raw);
  });

  it('rejects transcriptions without a multipart body and unsupported capabilities', () => {
    expect(() =>
      adapter.buildRequest({ capability: 'audio.transcriptions', body: {}, stream: false }, target),
    ).toThrow(ProviderRequestError);
    const chatOnly = new OpenAiBaseAdapter({ ...config, capabilities: new Set<Capability>(['chat']) });
    expect(() => chatOnly.buildRequest({ capability: 'rerank', body: {}, stream: false }, target)).toThrow(
      expect.objectContaining({ status: 400, code: 'unsupported_capability' }),
    );
  });

  it('sends no Authorization header when the deployment has no key', () => {
    const request = adapter.buildRequest(chat({ model: 'x', messages: [] }), { ...target, apiKey: null });
    expect(request.headers).toEqual({ 'content-type': 'application/json' });
  });
});

describe('OpenAiBaseAdapter responses and errors', () => {
  it('returns the upstream JSON as-is with usage extracted', () => {
    const json = { object: 'list', data: [], usage: { prompt_tokens: 5, total_tokens: 5 } };
    const mapped = adapter.mapResponse(chat({}), 200, json);
    expect(mapped.body).toBe(json);
    expect(mapped.usage).toEqual({ promptTokens: 5, completionTokens: 0, totalTokens: 5 });
  });

  it('reads the prompt tokens served from the cache, from the parsed body and from the raw text', () => {
    const usage = {
      prompt_tokens: 2006,
      completion_tokens: 300,
      total_tokens: 2306,
      prompt_tokens_details: { cached_tokens: 1920, audio_tokens: 0 },
    };
    const expected = { promptTokens: 2006, completionTokens: 300, totalTokens: 2306, cachedTokens: 1920 };
    expect(adapter.mapResponse(chat({}), 200, { choices: [], usage }).usage).toEqual(expected);
    expect(adapter.usageFromJsonText(JSON.stringify({ id: 'x', choices: [], usage }))).toEqual(expected);
    // No cache hit (cached_tokens 0, or no details at all): nothing cached.
    const none = { ...usage, prompt_tokens_details: { cached_tokens: 0 } };
    expect(adapter.mapResponse(chat({}), 200, { usage: none }).usage).not.toHaveProperty('cachedTokens');
    // The Responses-style shape, and never more cached than prompt tokens.
    expect(
      adapter.mapResponse(chat({}), 200, {
        usage: { input_tokens: 10, output_tokens: 1, input_tokens_details: { cached_tokens: 50 } },
      }).usage,
    ).toEqual({ promptTokens: 10, completionTokens: 1, totalTokens: 11, cachedTokens: 10 });
  });

  it('reads transcription and rerank usage shapes', () => {
    const transcription = {
      text: 'hi',
      usage: { type: 'tokens', input_tokens: 14, output_tokens: 45, total_tokens: 59 },
    };
    expect(adapter.mapResponse(chat({}), 200, transcription).usage).toEqual({
      promptTokens: 14,
      completionTokens: 45,
      totalTokens: 59,
    });
    expect(adapter.mapResponse(chat({}), 200, { results: [], usage: { total_tokens: 30 } }).usage).toEqual({
      promptTokens: 30,
      completionTokens: 0,
      totalTokens: 30,
    });
    expect(adapter.mapResponse(chat({}), 200, { results: [] }).usage).toBeNull();
  });

  it('maps error bodies to the OpenAI shape and redacts the deployment key', () => {
    const body = { error: 'invalid key sk-local-123456 for http://vllm:8000' };
    expect(adapter.mapErrorBody(401, body, target)).toEqual({
      message: 'invalid key [redacted] for http://vllm:8000',
      type: 'authentication_error',
      code: null,
      param: null,
    });
    expect(adapter.mapErrorBody(503, 'Service Unavailable')).toEqual({
      message: 'Service Unavailable',
      type: 'server_error',
      code: null,
      param: null,
    });
    expect(adapter.mapErrorBody(500, undefined).message).toBe('Upstream returned HTTP 500');
  });

  it('builds the configured health check', () => {
    expect(adapter.buildHealthCheck(target)).toEqual({
      method: 'GET',
      url: 'http://vllm:8000/v1/models',
      headers: { authorization: 'Bearer sk-local-123456' },
      body: undefined,
    });
  });
});
