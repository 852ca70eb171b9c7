import { ProviderRequestError } from '../provider-request.error';
import type { ClientRequest, UpstreamTarget } from '../provider.types';
import { openAiCompatibleAdapter } from './openai-compatible.api';

const chat: ClientRequest = { capability: 'chat', body: { model: 'local', messages: [] }, stream: false };
const target: UpstreamTarget = {
  apiBase: 'http://ollama:11434/v1',
  apiKey: null,
  apiVersion: null,
  model: 'llama3.2:3b',
};

describe('openai-compatible adapter', () => {
  it.each([
    ['http://ollama:11434/v1', 'http://ollama:11434/v1/chat/completions'],
    ['http://ollama:11434/v1/', 'http://ollama:11434/v1/chat/completions'],
    ['http://lmstudio:1234', 'http://lmstudio:1234/chat/completions'],
    [' https://gateway.example.com/api/openai// ', 'https://gateway.example.com/api/openai/chat/completions'],
  ])('joins %s robustly', (apiBase, url) => {
    expect(openAiCompatibleAdapter.buildRequest(chat, { ...target, apiBase }).url).toBe(url);
  });

  it('sends Bearer auth only when a key is set', () => {
    expect(openAiCompatibleAdapter.buildRequest(chat, target).headers).toEqual({
      'content-type': 'application/json',
    });
    expect(
      openAiCompatibleAdapter.buildRequest(chat, { ...target, apiKey: 'token-abc' }).headers.authorization,
    ).toBe('Bearer token-abc');
  });

  it('refuses to guess a base URL', () => {
    expect(() => openAiCompatibleAdapter.buildRequest(chat, { ...target, apiBase: null })).toThrow(
      ProviderRequestError,
    );
    expect(() => openAiCompatibleAdapter.buildRequest(chat, { ...target, apiBase: '  ' })).toThrow(
      expect.objectContaining({ status: 500, code: 'deployment_misconfigured' }),
    );
  });

  it('serves rerank at {base}/rerank', () => {
    const request = openAiCompatibleAdapter.buildRequest(
      { capability: 'rerank', body: { model: 'r', query: 'q', documents: ['a'] }, stream: false },
      { ...target, apiBase: 'http://vllm:8000/v1', model: 'BAAI/bge-reranker-v2-m3' },
    );
    expect(request.url).toBe('http://vllm:8000/v1/rerank');
    expect(JSON.parse(String(request.body))).toEqual({
      model: 'BAAI/bge-reranker-v2-m3',
      query: 'q',
      documents: ['a'],
    });
  });

  it('health-checks with GET /models', () => {
    expect(openAiCompatibleAdapter.buildHealthCheck(target)).toEqual({
      method: 'GET',
      url: 'http://ollama:11434/v1/models',
      headers: {},
      body: undefined,
    });
  });
});
