import type { ClientRequest, UpstreamTarget } from '../provider.types';
import { readJsonFixture } from '../testing/stream-fixture';
import { azureAdapter, azureAcceptsStreamUsage } from './azure.api';

const target: UpstreamTarget = {
  apiBase: 'https://contoso-eastus.openai.azure.com',
  apiKey: '0123456789abcdef0123456789abcdef',
  apiVersion: null,
  model: 'gpt-4o-prod',
};
const chat: ClientRequest = {
  capability: 'chat',
  body: { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], stream: true },
  stream: true,
};

describe('azure adapter: URLs', () => {
  it('builds {base}/openai/deployments/{deployment}/{path}?api-version with the default version', () => {
    expect(azureAdapter.buildRequest(chat, target)).toMatchObject({
      method: 'POST',
      url: 'https://contoso-eastus.openai.azure.com/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21',
      headers: { 'api-key': '0123456789abcdef0123456789abcdef', 'content-type': 'application/json' },
    });
  });

  it.each([
    ['https://contoso-eastus.openai.azure.com/'],
    ['https://contoso-eastus.openai.azure.com/openai'],
    ['https://contoso-eastus.openai.azure.com/openai/'],
  ])('accepts the resource URL pasted as %s', (apiBase) => {
    expect(azureAdapter.buildRequest(chat, { ...target, apiBase }).url).toBe(
      'https://contoso-eastus.openai.azure.com/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21',
    );
  });

  it.each([
    ['completions', '/completions'],
    ['embeddings', '/embeddings'],
    ['audio.speech', '/audio/speech'],
  ] as const)('routes %s', (capability, path) => {
    const request = azureAdapter.buildRequest(
      { capability, body: { model: 'x' }, stream: false },
      { ...target, apiVersion: '2025-03-01-preview' },
    );
    expect(request.url).toBe(
      `https://contoso-eastus.openai.azure.com/openai/deployments/gpt-4o-prod${path}?api-version=2025-03-01-preview`,
    );
  });

  it('encodes deployment names', () => {
    expect(azureAdapter.buildRequest(chat, { ...target, model: 'my deployment' }).url).toContain(
      '/deployments/my%20deployment/',
    );
  });

  it('supports the v1 API base with OpenAI-style paths and the deployment as model', () => {
    const request = azureAdapter.buildRequest(chat, {
      ...target,
      apiBase: 'https://contoso.openai.azure.com/openai/v1/',
    });
    expect(request.url).toBe('https://contoso.openai.azure.com/openai/v1/chat/completions');
    expect(JSON.parse(String(request.body)).model).toBe('gpt-4o-prod');
  });

  it('keeps `model` in the body harmlessly set to the deployment', () => {
    expect(JSON.parse(String(azureAdapter.buildRequest(chat, target).body)).model).toBe('gpt-4o-prod');
  });

  it('does not support rerank', () => {
    expect(azureAdapter.supports('rerank')).toBe(false);
    expect(azureAdapter.supports('audio.transcriptions')).toBe(true);
  });
});

describe('azure adapter: streaming usage', () => {
  it('asks for stream usage only on API versions that know stream_options', () => {
    expect(azureAcceptsStreamUsage(target)).toBe(true);
    expect(azureAcceptsStreamUsage({ ...target, apiVersion: '2024-09-01-preview' })).toBe(true);
    expect(azureAcceptsStreamUsage({ ...target, apiVersion: '2024-06-01' })).toBe(false);
    expect(azureAcceptsStreamUsage({ ...target, apiVersion: 'preview' })).toBe(true);

    const old = azureAdapter.buildRequest(chat, { ...target, apiVersion: '2024-02-01' });
    expect(JSON.parse(String(old.body))).not.toHaveProperty('stream_options');
    const current = azureAdapter.buildRequest(chat, target);
    expect(JSON.parse(String(current.body)).stream_options).toEqual({ include_usage: true });
  });
});

describe('azure adapter: errors and health checks', () => {
  it('maps recorded Azure errors and redacts the key', () => {
    expect(
      azureAdapter.mapErrorBody(400, readJsonFixture(__dirname, 'error-content-filter.json')),
    ).toMatchObject({
      type: 'invalid_request_error',
      code: 'content_filter',
      param: 'prompt',
    });
    expect(
      azureAdapter.mapErrorBody(404, readJsonFixture(__dirname, 'error-deployment-not-found.json')),
    ).toMatchObject({
      type: 'not_found_error',
      code: 'DeploymentNotFound',
    });
    expect(
      azureAdapter.mapErrorBody(401, readJsonFixture(__dirname, 'error-invalid-key.json')),
    ).toMatchObject({
      type: 'authentication_error',
      code: '401',
      param: null,
    });
    const echoed = azureAdapter.mapErrorBody(
      401,
      { error: { code: '401', message: `bad key ${target.apiKey}` } },
      target,
    );
    expect(echoed.message).toBe('bad key [redacted]');
  });

  it('checks chat deployments with a one-token chat call, reasoning models with max_completion_tokens', () => {
    const check = azureAdapter.buildHealthCheck(target);
    expect(check.url).toBe(
      'https://contoso-eastus.openai.azure.com/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21',
    );
    expect(JSON.parse(String(check.body))).toEqual({
      model: 'gpt-4o-prod',
      messages: [{ role: 'user', content: 'ping' }],
      max_tokens: 1,
    });
    const reasoning = azureAdapter.buildHealthCheck({ ...target, model: 'o3-mini' });
    expect(JSON.parse(String(reasoning.body))).toMatchObject({ max_completion_tokens: 16 });
  });

  it('checks embedding deployments with an embedding call and audio deployments by listing models', () => {
    const embeddings = azureAdapter.buildHealthCheck({ ...target, model: 'embed-small' }, 'embeddings');
    expect(embeddings.url).toContain('/openai/deployments/embed-small/embeddings?');
    expect(JSON.parse(String(embeddings.body))).toEqual({ model: 'embed-small', input: 'ping' });
    expect(azureAdapter.buildHealthCheck(target, 'audio.speech')).toEqual({
      method: 'GET',
      url: 'https://contoso-eastus.openai.azure.com/openai/models?api-version=2024-10-21',
      headers: { 'api-key': '0123456789abcdef0123456789abcdef' },
      body: undefined,
    });
  });
});
