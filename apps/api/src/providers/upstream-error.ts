/**
 * The one place upstream failures are classified. Retry, cooldown and fallback read only the
 * resulting `UpstreamErrorClass`, never raw statuses or provider-specific bodies.
 */
import type { UpstreamErrorClass, UpstreamErrorKind } from './provider.types';
import { asString, isRecord, tryParseJson } from './shared/json-guards';
import { redactSecrets } from './shared/redact-secrets';

/** Response headers with lowercase names, as undici and node:http deliver them. */
export type HeaderBag = Record<string, string | string[] | undefined>;

export interface UpstreamErrorInput {
  status?: number;
  headers?: HeaderBag;
  body?: unknown;
  /** Whatever the upstream client threw (undici errors, AbortError, TimeoutError, ...). */
  error?: unknown;
  /** Injectable clock for HTTP-date / timestamp headers. */
  nowMs?: number;
}

export interface RateLimitInfo {
  remainingRequests: number | null;
  remainingTokens: number | null;
  limitRequests: number | null;
  limitTokens: number | null;
  resetRequestsMs: number | null;
  resetTokensMs: number | null;
}

/** Error fields pulled out of any upstream error body we know (OpenAI, Azure, Anthropic, vLLM, Ollama, FastAPI). */
export interface UpstreamErrorDetails {
  message: string | null;
  type: string | null;
  code: string | null;
  param: string | null;
}

// ---------------------------------------------------------------------------------------------------------
// Headers

/** One header by its lowercase name (a dozen look-ups per request: no scanning, no allocation). */
export function headerValue(headers: HeaderBag | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A header object from elsewhere (mixed-case names) in the shape `HeaderBag` expects. */
export function lowercaseHeaders(headers: Record<string, string | string[] | undefined>): HeaderBag {
  const out: HeaderBag = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}

/** `Retry-After` as delay-seconds (integer or decimal) or an HTTP date; returns milliseconds >= 0. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number = Date.now()): number | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  if (trimmed === '') return null;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - nowMs);
}

const DURATION_PART = /(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/g;
const DURATION_UNIT_MS: Record<string, number> = {
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
  us: 0.001,
  µs: 0.001,
  ns: 0.000001,
};

/** Go-style durations as OpenAI sends them in `x-ratelimit-reset-*`: `1s`, `6m0s`, `20ms`, `1h2m3.5s`. */
export function parseDurationMs(value: string | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  if (trimmed === '') return null;
  // A bare number is seconds (some OpenAI-compatible servers send that).
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  if (!/^((\d+(\.\d+)?)(ms|us|µs|ns|h|m|s))+$/.test(trimmed)) return null;
  let total = 0;
  for (const match of trimmed.matchAll(DURATION_PART)) total += Number(match[1]) * DURATION_UNIT_MS[match[2]];
  return Math.round(total);
}

/** A reset value that is either a duration (OpenAI) or an RFC 3339 timestamp (Anthropic). */
function parseResetMs(value: string | undefined, nowMs: number): number | null {
  const duration = parseDurationMs(value);
  if (duration !== null || value === undefined) return duration;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

function parseCount(value: string | undefined): number | null {
  if (value === undefined) return null;
  const n = Number(value.trim());
  return value.trim() !== '' && Number.isFinite(n) ? n : null;
}

/** OpenAI/Azure `x-ratelimit-*` headers, falling back to Anthropic's `anthropic-ratelimit-*`. */
export function parseRateLimitHeaders(headers: HeaderBag, nowMs: number = Date.now()): RateLimitInfo {
  const pick = (openAi: string, anthropic: string): string | undefined =>
    headerValue(headers, openAi) ?? headerValue(headers, anthropic);
  return {
    remainingRequests: parseCount(
      pick('x-ratelimit-remaining-requests', 'anthropic-ratelimit-requests-remaining'),
    ),
    remainingTokens: parseCount(pick('x-ratelimit-remaining-tokens', 'anthropic-ratelimit-tokens-remaining')),
    limitRequests: parseCount(pick('x-ratelimit-limit-requests', 'anthropic-ratelimit-requests-limit')),
    limitTokens: parseCount(pick('x-ratelimit-limit-tokens', 'anthropic-ratelimit-tokens-limit')),
    resetRequestsMs: parseResetMs(
      pick('x-ratelimit-reset-requests', 'anthropic-ratelimit-requests-reset'),
      nowMs,
    ),
    resetTokensMs: parseResetMs(pick('x-ratelimit-reset-tokens', 'anthropic-ratelimit-tokens-reset'), nowMs),
  };
}

function retryAfterFromHeaders(headers: HeaderBag | undefined, status: number, nowMs: number): number | null {
  if (!headers) return null;
  const ms = parseCount(headerValue(headers, 'retry-after-ms'));
  if (ms !== null && ms >= 0) return Math.round(ms);
  const retryAfter = parseRetryAfter(headerValue(headers, 'retry-after'), nowMs);
  if (retryAfter !== null) return retryAfter;
  if (status !== 429) return null;
  // No explicit hint: wait for whichever window is exhausted (both unknown -> the longer one).
  const limits = parseRateLimitHeaders(headers, nowMs);
  if (limits.remainingRequests === 0 && limits.resetRequestsMs !== null) return limits.resetRequestsMs;
  if (limits.remainingTokens === 0 && limits.resetTokensMs !== null) return limits.resetTokensMs;
  if (limits.resetRequestsMs === null) return limits.resetTokensMs;
  if (limits.resetTokensMs === null) return limits.resetRequestsMs;
  return Math.max(limits.resetRequestsMs, limits.resetTokensMs);
}

// ---------------------------------------------------------------------------------------------------------
// Bodies

function stringField(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return null;
}

function bodyToValue(body: unknown): unknown {
  if (body instanceof Uint8Array)
    body = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  if (typeof body !== 'string') return body;
  const parsed = tryParseJson(body);
  return parsed === undefined ? body : parsed;
}

/** Reads message/type/code/param from every error body shape we have met. Secrets are not redacted here. */
export function extractUpstreamErrorDetails(body: unknown): UpstreamErrorDetails {
  const value = bodyToValue(body);
  const details: UpstreamErrorDetails = { message: null, type: null, code: null, param: null };
  if (typeof value === 'string') {
    const text = value.trim();
    // HTML error pages from proxies are noise; a short plain-text body is a useful message.
    if (text !== '' && !/^<(!doctype|html)/i.test(text)) details.message = text;
    return details;
  }
  if (!isRecord(value)) return details;
  const inner = value.error;
  if (typeof inner === 'string') {
    details.message = inner; // Ollama, some proxies: {"error": "..."}
    return details;
  }
  const source = isRecord(inner) ? inner : value; // vLLM {"object":"error",...}, FastAPI, generic
  details.message = asString(source.message) ?? null;
  details.type = asString(source.type) ?? null;
  details.code = stringField(source.code);
  details.param = asString(source.param) ?? null;
  // Anthropic's outer {"type":"error"} is not the error type; the inner one is.
  if (!isRecord(inner) && details.type === 'error') details.type = null;
  if (details.message === null) {
    const detail = value.detail;
    if (typeof detail === 'string') details.message = detail;
    else if (Array.isArray(detail) && isRecord(detail[0])) details.message = asString(detail[0].msg) ?? null;
  }
  // Azure content filtering nests the precise reason.
  if (isRecord(inner) && isRecord(inner.innererror) && details.code === null) {
    details.code = stringField(inner.innererror.code);
  }
  return details;
}

// ---------------------------------------------------------------------------------------------------------
// Classification

const CONTEXT_WINDOW_CODES = new Set(['context_length_exceeded', 'model_max_prompt_tokens_exceeded']);
const CONTEXT_WINDOW_TEXT =
  /context[ _-]?(length|window)|maximum context|prompt is too long|input is too long|too many (input )?tokens|reduce the length of the (messages|prompt)|exceeds? the (model's )?(maximum|max)[\w ]* tokens|input length[\w ]* exceeds?/i;
const CONTENT_FILTER_CODES = new Set([
  'content_filter',
  'content_policy_violation',
  'responsibleaipolicyviolation',
]);
const CONTENT_FILTER_TEXT = /content (management )?policy|content filter|filtered due to|safety system/i;

/** Stream error events carry no HTTP status; infer one from the error type. */
const STATUS_BY_ERROR_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  rate_limit_exceeded: 429,
  api_error: 500,
  server_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ESOCKETTIMEDOUT',
]);
// Timeouts while connecting mean the host is unreachable, not that the model is slow.
const CONNECT_TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);
const ABORT_CODES = new Set(['UND_ERR_ABORTED', 'ABORT_ERR']);
const CONNECTION_CODES = new Set([
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
]);
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT)/;

function make(
  kind: UpstreamErrorKind,
  status: number,
  message: string,
  flags: { retryable: boolean; cooldown: boolean; retryAfterMs?: number | null },
): UpstreamErrorClass {
  return {
    kind,
    status,
    retryable: flags.retryable,
    cooldown: flags.cooldown,
    retryAfterMs: flags.retryAfterMs ?? null,
    message,
  };
}

/** Walks `error.cause` (fetch wraps the real socket error) collecting codes and names. */
function collectErrorChain(error: unknown): { codes: string[]; names: string[]; message: string } {
  const codes: string[] = [];
  const names: string[] = [];
  let message = '';
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    // Error instances are plain objects as far as isRecord is concerned.
    if (!isRecord(current)) {
      if (!message) message = String(current);
      break;
    }
    const record = current;
    const code = asString(record.code);
    if (code) codes.push(code);
    const name = asString(record.name);
    if (name) names.push(name);
    const msg = asString(record.message);
    // The innermost message is usually the useful one ("connect ECONNREFUSED 10.0.0.5:8000").
    if (msg) message = msg;
    current = record.cause;
  }
  return { codes, names, message };
}

function classifyThrown(error: unknown): UpstreamErrorClass {
  const { codes, names, message } = collectErrorChain(error);
  const safeMessage = redactSecrets(message || 'Upstream request failed');
  const has = (set: Set<string>): boolean => codes.some((c) => set.has(c));
  if (has(CONNECT_TIMEOUT_CODES)) {
    return make('timeout', 504, safeMessage, { retryable: true, cooldown: true });
  }
  if (has(TIMEOUT_CODES) || names.includes('TimeoutError')) {
    return make('timeout', 504, safeMessage, { retryable: true, cooldown: false });
  }
  if (has(CONNECTION_CODES) || codes.some((c) => TLS_CODE.test(c))) {
    return make('connection', 502, safeMessage, { retryable: true, cooldown: true });
  }
  // An abort is a timer firing unless the client went away; the gateway checks its own client signal
  // before acting on `retryable`.
  if (has(ABORT_CODES) || names.includes('AbortError')) {
    return make('timeout', 504, safeMessage, { retryable: true, cooldown: false });
  }
  return make('other', 500, safeMessage, { retryable: false, cooldown: false });
}

const MODEL_MISSING_CODES = new Set(['model_not_found', 'deploymentnotfound', 'not_found_error']);
const MODEL_MISSING_TEXT =
  /\b(model|deployment)\b[^.]{0,120}\b(does not exist|not found|not exist|unknown|no such|not available)|\b(unknown|no such) (model|deployment)/i;

/** The upstream says the model (or Azure deployment) is missing, as opposed to the route. */
function isModelMissing(details: UpstreamErrorDetails | null): boolean {
  if (!details) return false;
  if (details.code && MODEL_MISSING_CODES.has(details.code.toLowerCase())) return true;
  if (details.type && MODEL_MISSING_CODES.has(details.type.toLowerCase())) return true;
  return details.message !== null && MODEL_MISSING_TEXT.test(details.message);
}

function isContextWindow(details: UpstreamErrorDetails): boolean {
  if (details.code && CONTEXT_WINDOW_CODES.has(details.code)) return true;
  return details.message !== null && CONTEXT_WINDOW_TEXT.test(details.message);
}

function isContentFilter(details: UpstreamErrorDetails): boolean {
  if (details.code && CONTENT_FILTER_CODES.has(details.code.toLowerCase())) return true;
  return details.message !== null && CONTENT_FILTER_TEXT.test(details.message);
}

export function classifyUpstreamError(input: UpstreamErrorInput): UpstreamErrorClass {
  const nowMs = input.nowMs ?? Date.now();
  const details = input.body === undefined ? null : extractUpstreamErrorDetails(input.body);
  // A 2xx status with an error means the failure came mid-body (stream error event, read error).
  let status = input.status !== undefined && input.status >= 400 ? input.status : undefined;
  if (status === undefined && details?.type) status = STATUS_BY_ERROR_TYPE[details.type];
  if (status === undefined && input.error !== undefined) return classifyThrown(input.error);
  status ??= 500;

  const message = redactSecrets(details?.message ?? `Upstream returned HTTP ${status}`);
  const retryAfterMs = retryAfterFromHeaders(input.headers, status, nowMs);

  if (status === 429)
    return make('rate_limit', status, message, { retryable: true, cooldown: true, retryAfterMs });
  if (status === 408)
    return make('timeout', status, message, { retryable: true, cooldown: false, retryAfterMs });
  if (status >= 500) {
    // 529 is Anthropic's "overloaded": the deployment needs a break, like a 429.
    return make('server', status, message, { retryable: true, cooldown: status === 529, retryAfterMs });
  }
  // A bad key, missing billing or an unknown model/deployment will fail every request: not worth
  // retrying this request as-is, but the deployment should leave rotation.
  if (status === 401 || status === 402 || status === 403) {
    return make('auth', status, message, { retryable: false, cooldown: true });
  }
  if (status === 404 || status === 405) {
    // "No such model/deployment" is this deployment's misconfiguration (e.g. a typo in its model id): it
    // leaves rotation. Any other 404/405 means the upstream lacks this route (a chat-only server asked for
    // embeddings): only that capability is affected, and another deployment may serve it.
    if (isModelMissing(details))
      return make('not_found', status, message, { retryable: false, cooldown: true });
    return make('unsupported_route', status, message, { retryable: true, cooldown: false });
  }
  if (status >= 400) {
    if (details && isContextWindow(details)) {
      return make('context_window', status, message, { retryable: false, cooldown: false });
    }
    if (details && isContentFilter(details)) {
      return make('content_filter', status, message, { retryable: false, cooldown: false });
    }
    return make('bad_request', status, message, { retryable: false, cooldown: false });
  }
  return make('other', status, message, { retryable: false, cooldown: false });
}
