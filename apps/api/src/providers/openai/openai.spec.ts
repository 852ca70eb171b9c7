import type { ClientRequest, UpstreamTarget } from '../provider.types';
import { readJsonFixture } from '../testing/stream-fixture';
import { openAiAdapter } from './openai.api';

const target: UpstreamTarget = {
  apiBase: null,
  apiKey: 'sk-proj-abcdefghijklmnop',
  apiVersion: null,
  model: 'gpt-4o-2024-08-06',
};
const chat: ClientRequest = {
  capability: 'chat',
  body: { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] },
  stream: false,
};

describe('openai adapter', () => {
  it('defaults to api.openai.com/v1 with Bearer auth', () => {
    expect(openAiAdapter.buildRequest(chat, target)).toMatchObject({
      method: 'POST',
      url: 'https://api.openai.com/v1/chat/completions',
      headers: { authorization: 'Bearer sk-proj-abcdefghijklmnop', 'content-type': 'application/json' },
    });
  });

  it('uses an operator-set base such as a regional endpoint', () => {
    const request = openAiAdapter.buildRequest(chat, { ...target, apiBase: 'https://eu.api.openai.com/v1/' });
    expect(request.url).toBe('https://eu.api.openai.com/v1/chat/completions');
  });

  it('supports every capability', () => {
    for (const capability of [
      'chat',
      'completions',
      'embeddings',
      'rerank',
      'audio.speech',
      'audio.transcriptions',
    ] as const) {
      expect(openAiAdapter.supports(capability)).toBe(true);
    }
  });

  it('returns recorded responses unchanged with usage', () => {
    const completion = readJsonFixture(__dirname, 'chat-completion.json');
    expect(openAiAdapter.mapResponse(chat, 200, completion)).toEqual({
      body: completion,
      usage: { promptTokens: 19, completionTokens: 10, totalTokens: 29 },
    });
    const embeddings = readJsonFixture(__dirname, 'embeddings.json');
    expect(openAiAdapter.mapResponse({ ...chat, capability: 'embeddings' }, 200, embeddings).usage).toEqual({
      promptTokens: 5,
      completionTokens: 0,
      totalTokens: 5,
    });
  });

  it('maps the recorded invalid-key error without echoing the key', () => {
    const error = openAiAdapter.mapErrorBody(
      401,
      readJsonFixture(__dirname, 'error-invalid-api-key.json'),
      target,
    );
    expect(error).toEqual({
      message:
        'Incorrect API key provided: sk-[redacted]. You can find your API key at https://platform.openai.com/account/api-keys.',
      type: 'invalid_request_error',
      code: 'invalid_api_key',
      param: null,
    });
  });

  it('keeps context-length error codes that clients rely on', () => {
    expect(
      openAiAdapter.mapErrorBody(400, readJsonFixture(__dirname, 'error-context-length.json')),
    ).toMatchObject({
      type: 'invalid_request_error',
      code: 'context_length_exceeded',
      param: 'messages',
    });
  });

  it('health-checks by retrieving the model (no tokens spent)', () => {
    expect(openAiAdapter.buildHealthCheck({ ...target, model: 'ft:gpt-4o-mini:acme::AbC123' })).toEqual({
      method: 'GET',
      url: 'https://api.openai.com/v1/models/ft%3Agpt-4o-mini%3Aacme%3A%3AAbC123',
      headers: { authorization: 'Bearer sk-proj-abcdefghijklmnop' },
      body: undefined,
    });
  });
});
