import { join } from 'node:path';
import { readJsonFixture } from './testing/stream-fixture';
import {
  classifyUpstreamError,
  extractUpstreamErrorDetails,
  lowercaseHeaders,
  parseDurationMs,
  parseRateLimitHeaders,
  parseRetryAfter,
} from './upstream-error';

const openAiDir = join(__dirname, 'openai');
const azureDir = join(__dirname, 'azure');
const anthropicDir = join(__dirname, 'anthropic');
const NOW = Date.parse('2025-04-21T10:00:00Z');

/** undici-style error: an Error with a `code`. */
function undiciError(code: string, message = code, cause?: unknown): Error {
  return Object.assign(new Error(message, { cause }), { code });
}

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates', () => {
    expect(parseRetryAfter('20', NOW)).toBe(20_000);
    expect(parseRetryAfter('1.5', NOW)).toBe(1500);
    expect(parseRetryAfter('Mon, 21 Apr 2025 10:00:30 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfter('Mon, 21 Apr 2025 09:00:00 GMT', NOW)).toBe(0);
  });

  it('returns null for missing or garbage values', () => {
    expect(parseRetryAfter(undefined)).toBeNull();
    expect(parseRetryAfter('')).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
  });
});

describe('parseDurationMs', () => {
  it.each([
    ['1s', 1000],
    ['6m0s', 360_000],
    ['20ms', 20],
    ['1h2m3.5s', 3_723_500],
    ['0.5s', 500],
    ['2', 2000],
  ])('%s -> %d ms', (input, ms) => {
    expect(parseDurationMs(input)).toBe(ms);
  });

  it('rejects non-durations', () => {
    expect(parseDurationMs('abc')).toBeNull();
    expect(parseDurationMs('1x')).toBeNull();
    expect(parseDurationMs(undefined)).toBeNull();
  });
});

describe('parseRateLimitHeaders', () => {
  it('reads OpenAI x-ratelimit-* headers', () => {
    expect(
      parseRateLimitHeaders({
        'x-ratelimit-limit-requests': '10000',
        'x-ratelimit-limit-tokens': '30000000',
        'x-ratelimit-remaining-requests': '9999',
        'x-ratelimit-remaining-tokens': '29999980',
        'x-ratelimit-reset-requests': '6ms',
        'x-ratelimit-reset-tokens': '1m0s',
      }),
    ).toEqual({
      limitRequests: 10000,
      limitTokens: 30000000,
      remainingRequests: 9999,
      remainingTokens: 29999980,
      resetRequestsMs: 6,
      resetTokensMs: 60_000,
    });
  });

  it("reads Anthropic's anthropic-ratelimit-* headers with RFC 3339 resets", () => {
    const info = parseRateLimitHeaders(
      {
        'anthropic-ratelimit-requests-limit': '50',
        'anthropic-ratelimit-requests-remaining': '0',
        'anthropic-ratelimit-requests-reset': '2025-04-21T10:00:12Z',
        'anthropic-ratelimit-tokens-limit': '80000',
        'anthropic-ratelimit-tokens-remaining': '79000',
        'anthropic-ratelimit-tokens-reset': '2025-04-21T10:00:01Z',
      },
      NOW,
    );
    expect(info).toEqual({
      limitRequests: 50,
      limitTokens: 80000,
      remainingRequests: 0,
      remainingTokens: 79000,
      resetRequestsMs: 12_000,
      resetTokensMs: 1000,
    });
  });

  it('gives nulls when headers are absent, and matches names case-insensitively', () => {
    expect(parseRateLimitHeaders({})).toEqual({
      limitRequests: null,
      limitTokens: null,
      remainingRequests: null,
      remainingTokens: null,
      resetRequestsMs: null,
      resetTokensMs: null,
    });
    expect(
      parseRateLimitHeaders(lowercaseHeaders({ 'X-RateLimit-Remaining-Tokens': ['12'] })).remainingTokens,
    ).toBe(12);
  });
});

describe('classifyUpstreamError: HTTP statuses', () => {
  it('429 is a retryable rate limit with cooldown and Retry-After', () => {
    const result = classifyUpstreamError({
      status: 429,
      headers: { 'retry-after': '2' },
      body: readJsonFixture(openAiDir, 'error-rate-limit.json'),
    });
    expect(result).toMatchObject({
      kind: 'rate_limit',
      status: 429,
      retryable: true,
      cooldown: true,
      retryAfterMs: 2000,
    });
    expect(result.message).toMatch(/^Rate limit reached for gpt-4o/);
  });

  it('prefers retry-after-ms, then Retry-After, then the exhausted x-ratelimit window', () => {
    expect(
      classifyUpstreamError({ status: 429, headers: { 'retry-after-ms': '350', 'retry-after': '9' } })
        .retryAfterMs,
    ).toBe(350);
    const tokensExhausted = {
      'x-ratelimit-remaining-requests': '10',
      'x-ratelimit-remaining-tokens': '0',
      'x-ratelimit-reset-requests': '120ms',
      'x-ratelimit-reset-tokens': '6m0s',
    };
    expect(classifyUpstreamError({ status: 429, headers: tokensExhausted }).retryAfterMs).toBe(360_000);
    const unknownWhich = { 'x-ratelimit-reset-requests': '1s', 'x-ratelimit-reset-tokens': '20ms' };
    expect(classifyUpstreamError({ status: 429, headers: unknownWhich }).retryAfterMs).toBe(1000);
    expect(classifyUpstreamError({ status: 429 }).retryAfterMs).toBeNull();
  });

  it('reset headers only count on 429', () => {
    expect(
      classifyUpstreamError({ status: 500, headers: { 'x-ratelimit-reset-requests': '1s' } }).retryAfterMs,
    ).toBeNull();
    expect(classifyUpstreamError({ status: 503, headers: { 'retry-after': '5' } }).retryAfterMs).toBe(5000);
  });

  it('408 and 5xx are retryable; only 529 (overloaded) cools the deployment down', () => {
    expect(classifyUpstreamError({ status: 408 })).toMatchObject({
      kind: 'timeout',
      retryable: true,
      cooldown: false,
    });
    expect(classifyUpstreamError({ status: 500 })).toMatchObject({
      kind: 'server',
      retryable: true,
      cooldown: false,
    });
    expect(classifyUpstreamError({ status: 503 })).toMatchObject({ kind: 'server', retryable: true });
    const overloaded = classifyUpstreamError({
      status: 529,
      body: readJsonFixture(anthropicDir, 'error-overloaded.json'),
    });
    expect(overloaded).toMatchObject({
      kind: 'server',
      status: 529,
      retryable: true,
      cooldown: true,
      message: 'Overloaded',
    });
  });

  it('auth failures are not retried but take the deployment out of rotation, with the key redacted', () => {
    const result = classifyUpstreamError({
      status: 401,
      body: readJsonFixture(openAiDir, 'error-invalid-api-key.json'),
    });
    expect(result).toMatchObject({ kind: 'auth', status: 401, retryable: false, cooldown: true });
    expect(result.message).toContain('Incorrect API key provided: sk-[redacted]');
    expect(result.message).not.toMatch(/Xk2Q|\*{4}/);
    expect(classifyUpstreamError({ status: 403 })).toMatchObject({ kind: 'auth', retryable: false });
  });

  it('404 (unknown model or Azure deployment) is not_found', () => {
    const result = classifyUpstreamError({
      status: 404,
      body: readJsonFixture(azureDir, 'error-deployment-not-found.json'),
    });
    expect(result).toMatchObject({ kind: 'not_found', retryable: false, cooldown: true });
    expect(result.message).toMatch(/^The API deployment for this resource does not exist/);
  });

  it('a 404/405 that does not name a missing model is a route the upstream lacks, not a broken deployment', () => {
    for (const body of [
      'Not Found',
      { detail: 'Not Found' },
      { error: { message: 'Invalid URL (POST /v1/audio/speech)', type: 'invalid_request_error' } },
    ]) {
      expect(classifyUpstreamError({ status: 404, body })).toMatchObject({
        kind: 'unsupported_route',
        retryable: true,
        cooldown: false,
      });
    }
    expect(classifyUpstreamError({ status: 405, body: { detail: 'Method Not Allowed' } }).kind).toBe(
      'unsupported_route',
    );
    for (const body of [
      {
        error: {
          message: 'The model `gpt-4.2` does not exist',
          type: 'invalid_request_error',
          code: 'model_not_found',
        },
      },
      { object: 'error', message: 'The model `llama-3` does not exist.', type: 'NotFoundError', code: 404 },
      { type: 'error', error: { type: 'not_found_error', message: 'model: claude-x' } },
    ]) {
      expect(classifyUpstreamError({ status: 404, body })).toMatchObject({
        kind: 'not_found',
        cooldown: true,
      });
    }
  });

  it('recognises context-window errors from OpenAI, Anthropic and vLLM', () => {
    expect(
      classifyUpstreamError({ status: 400, body: readJsonFixture(openAiDir, 'error-context-length.json') })
        .kind,
    ).toBe('context_window');
    expect(
      classifyUpstreamError({
        status: 400,
        body: readJsonFixture(anthropicDir, 'error-prompt-too-long.json'),
      }).kind,
    ).toBe('context_window');
    const vllm = {
      object: 'error',
      message:
        "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (4000 in the messages, 1000 in the completion).",
      type: 'BadRequestError',
      param: null,
      code: 400,
    };
    expect(classifyUpstreamError({ status: 400, body: vllm })).toMatchObject({
      kind: 'context_window',
      retryable: false,
    });
  });

  it('recognises Azure content filtering', () => {
    const result = classifyUpstreamError({
      status: 400,
      body: readJsonFixture(azureDir, 'error-content-filter.json'),
    });
    expect(result).toMatchObject({ kind: 'content_filter', status: 400, retryable: false, cooldown: false });
  });

  it('other 4xx are bad requests, not retried', () => {
    const result = classifyUpstreamError({
      status: 400,
      body: { error: { message: 'Unrecognized request argument supplied: foo' } },
    });
    expect(result).toMatchObject({
      kind: 'bad_request',
      retryable: false,
      cooldown: false,
      message: 'Unrecognized request argument supplied: foo',
    });
    expect(
      classifyUpstreamError({ status: 422, body: { detail: [{ msg: 'field required' }] } }).message,
    ).toBe('field required');
  });

  it('accepts bodies as text or bytes, and ignores HTML error pages', () => {
    expect(classifyUpstreamError({ status: 400, body: '{"error":"model \\"x\\" not found"}' }).message).toBe(
      'model "x" not found',
    );
    expect(classifyUpstreamError({ status: 502, body: Buffer.from('Bad gateway upstream') }).message).toBe(
      'Bad gateway upstream',
    );
    expect(classifyUpstreamError({ status: 502, body: '<html><body>nginx</body></html>' }).message).toBe(
      'Upstream returned HTTP 502',
    );
  });

  it('infers the status of mid-stream error events from the error type', () => {
    const anthropicStreamError = {
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
    };
    expect(classifyUpstreamError({ status: 200, body: anthropicStreamError })).toMatchObject({
      kind: 'server',
      status: 529,
    });
    expect(
      classifyUpstreamError({ body: { error: { type: 'rate_limit_error', message: 'slow down' } } }),
    ).toMatchObject({
      kind: 'rate_limit',
      status: 429,
    });
  });
});

describe('classifyUpstreamError: thrown errors', () => {
  it.each([
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout', false],
    ['UND_ERR_BODY_TIMEOUT', 'timeout', false],
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout', true],
    ['UND_ERR_SOCKET', 'connection', true],
    ['ECONNRESET', 'connection', true],
    ['ECONNREFUSED', 'connection', true],
    ['ENOTFOUND', 'connection', true],
    ['CERT_HAS_EXPIRED', 'connection', true],
  ])('%s -> %s (cooldown %s), retryable', (code, kind, cooldown) => {
    expect(classifyUpstreamError({ error: undiciError(code) })).toMatchObject({
      kind,
      retryable: true,
      cooldown,
    });
  });

  it('finds the socket error inside fetch-style causes', () => {
    const error = new TypeError('fetch failed', {
      cause: undiciError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.5:8000'),
    });
    expect(classifyUpstreamError({ error })).toMatchObject({
      kind: 'connection',
      status: 502,
      message: 'connect ECONNREFUSED 10.0.0.5:8000',
    });
  });

  it('treats TimeoutError and AbortError as timeouts', () => {
    expect(
      classifyUpstreamError({ error: new DOMException('The operation timed out.', 'TimeoutError') }),
    ).toMatchObject({
      kind: 'timeout',
      status: 504,
      retryable: true,
    });
    expect(
      classifyUpstreamError({ error: new DOMException('This operation was aborted', 'AbortError') }),
    ).toMatchObject({
      kind: 'timeout',
      retryable: true,
    });
    expect(classifyUpstreamError({ error: undiciError('UND_ERR_ABORTED', 'Request aborted') }).kind).toBe(
      'timeout',
    );
  });

  it('unknown thrown errors are not retried', () => {
    expect(classifyUpstreamError({ error: new Error('invalid header value') })).toMatchObject({
      kind: 'other',
      retryable: false,
    });
    expect(classifyUpstreamError({ error: 'weird' })).toMatchObject({ kind: 'other', message: 'weird' });
  });

  it('a status wins over a thrown error that happened while reading the body', () => {
    expect(classifyUpstreamError({ status: 503, error: undiciError('UND_ERR_BODY_TIMEOUT') }).kind).toBe(
      'server',
    );
  });
});

describe('extractUpstreamErrorDetails', () => {
  it('reads OpenAI, Anthropic, Ollama and vLLM shapes', () => {
    expect(
      extractUpstreamErrorDetails(readJsonFixture(openAiDir, 'error-context-length.json')),
    ).toMatchObject({
      type: 'invalid_request_error',
      code: 'context_length_exceeded',
      param: 'messages',
    });
    expect(extractUpstreamErrorDetails(readJsonFixture(anthropicDir, 'error-overloaded.json'))).toEqual({
      message: 'Overloaded',
      type: 'overloaded_error',
      code: null,
      param: null,
    });
    expect(
      extractUpstreamErrorDetails({ error: 'model "llama9" not found, try pulling it first' }).message,
    ).toBe('model "llama9" not found, try pulling it first');
    expect(
      extractUpstreamErrorDetails({
        object: 'error',
        message: 'bad',
        type: 'BadRequestError',
        param: null,
        code: 400,
      }),
    ).toEqual({
      message: 'bad',
      type: 'BadRequestError',
      code: '400',
      param: null,
    });
  });
});
