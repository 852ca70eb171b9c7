import { ProviderRequestError } from '../provider-request.error';
import type { ClientRequest, UpstreamTarget } from '../provider.types';
import { readJsonFixture } from '../testing/stream-fixture';
import { anthropicAdapter } from './anthropic.api';

const target: UpstreamTarget = {
  apiBase: null,
  apiKey: 'sk-ant-api03-secretsecretsecret',
  apiVersion: null,
  model: 'claude-sonnet-4-20250514',
};
const chat: ClientRequest = {
  capability: 'chat',
  body: { model: 'claude', messages: [{ role: 'user', content: 'ping' }], max_tokens: 5 },
  stream: false,
};

describe('anthropic adapter', () => {
  it('posts to /v1/messages with x-api-key and anthropic-version', () => {
    const request = anthropicAdapter.buildRequest(chat, target);
    expect(request).toMatchObject({
      method: 'POST',
      url: 'https://api.anthropic.com/v1/messages',
      headers: {
        'x-api-key': 'sk-ant-api03-secretsecretsecret',
        'anthropic-version': '2023-06-01',
        'content-type': 'application/json',
      },
    });
    expect(JSON.parse(String(request.body))).toEqual({
      model: 'claude-sonnet-4-20250514',
      max_tokens: 5,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'ping' }] }],
    });
  });

  it.each([
    ['https://anthropic-proxy.internal', 'https://anthropic-proxy.internal/v1/messages'],
    ['https://anthropic-proxy.internal/', 'https://anthropic-proxy.internal/v1/messages'],
    ['https://anthropic-proxy.internal/v1/', 'https://anthropic-proxy.internal/v1/messages'],
  ])('uses a custom base %s', (apiBase, url) => {
    expect(anthropicAdapter.buildRequest(chat, { ...target, apiBase }).url).toBe(url);
  });

  it('sets stream from the client request', () => {
    const request = anthropicAdapter.buildRequest(
      { ...chat, body: { ...chat.body, stream: true }, stream: true },
      target,
    );
    expect(JSON.parse(String(request.body)).stream).toBe(true);
  });

  it('supports chat only', () => {
    expect(anthropicAdapter.supports('chat')).toBe(true);
    expect(anthropicAdapter.supports('embeddings')).toBe(false);
    expect(() =>
      anthropicAdapter.buildRequest({ capability: 'embeddings', body: {}, stream: false }, target),
    ).toThrow(ProviderRequestError);
  });

  it('maps recorded error bodies to OpenAI types and codes', () => {
    expect(anthropicAdapter.mapErrorBody(529, readJsonFixture(__dirname, 'error-overloaded.json'))).toEqual({
      message: 'Overloaded',
      type: 'server_error',
      code: 'overloaded',
      param: null,
    });
    expect(
      anthropicAdapter.mapErrorBody(400, readJsonFixture(__dirname, 'error-prompt-too-long.json')),
    ).toEqual({
      message: 'prompt is too long: 208315 tokens > 200000 maximum',
      type: 'invalid_request_error',
      code: 'context_length_exceeded',
      param: null,
    });
    expect(
      anthropicAdapter.mapErrorBody(401, readJsonFixture(__dirname, 'error-authentication.json')),
    ).toMatchObject({
      type: 'authentication_error',
      code: 'invalid_api_key',
    });
    expect(
      anthropicAdapter.mapErrorBody(429, readJsonFixture(__dirname, 'error-rate-limit.json')),
    ).toMatchObject({
      type: 'rate_limit_error',
      code: 'rate_limit_exceeded',
    });
  });

  it('redacts the key if an error ever echoes it', () => {
    const body = {
      type: 'error',
      error: { type: 'authentication_error', message: `bad key ${target.apiKey ?? ''}` },
    };
    expect(anthropicAdapter.mapErrorBody(401, body, target).message).toBe('bad key [redacted]');
  });

  it('health-checks by retrieving the model', () => {
    expect(anthropicAdapter.buildHealthCheck(target)).toEqual({
      method: 'GET',
      url: 'https://api.anthropic.com/v1/models/claude-sonnet-4-20250514',
      headers: { 'x-api-key': 'sk-ant-api03-secretsecretsecret', 'anthropic-version': '2023-06-01' },
      body: undefined,
    });
  });
});
