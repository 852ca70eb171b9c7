/**
 * Contracts between the gateway and the provider adapters. Adapters are pure: they build the upstream
 * request and map responses / stream events; the upstream client and the SSE reader do the I/O.
 */

export type ProviderName = 'openai' | 'azure' | 'openai-compatible' | 'anthropic';

export type { Capability } from '@switchboard/contracts';
import type { Capability } from '@switchboard/contracts';

export interface UpstreamTarget {
  apiBase: string | null;
  apiKey: string | null;
  apiVersion: string | null;
  /** The upstream's own model id (for Azure: the deployment name). */
  model: string;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /**
   * Prompt tokens the provider served from its prompt cache (part of `promptTokens`, billed at the cached
   * input price): OpenAI's `prompt_tokens_details.cached_tokens`, Anthropic's `cache_read_input_tokens`.
   */
  cachedTokens?: number;
  /** True when counted by the gateway's tokenizer because the upstream reported no usage. */
  estimated?: boolean;
}

export interface UpstreamRequest {
  method: 'POST' | 'GET';
  /** Absolute URL. */
  url: string;
  /** Includes auth + content-type; never log these. */
  headers: Record<string, string>;
  /** JSON text for JSON routes; raw bytes passthrough for multipart (transcriptions). */
  body: string | Buffer | undefined;
}

export interface ClientRequest {
  capability: Capability;
  /** Parsed client JSON (for multipart: see rawBody). */
  body: Record<string, unknown>;
  /** Multipart passthrough for audio.transcriptions. */
  rawBody?: Buffer;
  contentType?: string;
  /** Decided from body.stream only. */
  stream: boolean;
}

/** The OpenAI error object (`{"error": {...}}` without the envelope). */
export interface OpenAiErrorObject {
  message: string;
  type: string;
  code: string | null;
  param: string | null;
}

export interface MappedResponse {
  /** OpenAI-shaped JSON object. */
  body: unknown;
  usage: Usage | null;
}

export interface StreamChunkOut {
  /** JSON text to emit as `data: ${data}\n\n`. */
  data: string;
  /** Set on the chunk that carries the final usage. */
  usage?: Usage;
  /** Set on chunks whose first choice finished (`stop`, `length`, `tool_calls`, ...). */
  finishReason?: string;
  /** Set when `data` is `{"error":{...}}`: the gateway writes it and ends the stream (no [DONE]). */
  error?: OpenAiErrorObject;
}

export interface StreamMapper {
  /** Upstream '[DONE]' -> returns [] and the gateway writes its own [DONE]. */
  push(event: { event?: string; data: string }): StreamChunkOut[];
  /**
   * Called once at upstream end-of-stream (EOF). Contract:
   * - `usage` is the best count available: the upstream's, else counted locally (`estimated: true`).
   * - A chat/completions stream that finished normally has then emitted exactly one final standalone
   *   usage chunk (`choices: []`), by an earlier `push` or in `chunks` here: the gateway adds none.
   * - A stream that failed (upstream error event) or was cut short ends with an error chunk (`error` set)
   *   and no usage chunk; `usage` is still returned for billing.
   * - `usage === null` only for passthrough streams of other capabilities (e.g. transcription deltas)
   *   that reported nothing; the gateway may count tokens itself (token-count.ts).
   * If the gateway itself failed reading the upstream, it may still call end() for usage and should
   * discard `chunks` in favour of its own error event.
   */
  end(): { usage: Usage | null; chunks: StreamChunkOut[] };
}

export interface StreamContext {
  requestId: string;
  publicModel: string;
  /** Unix seconds. */
  created: number;
}

export interface ResponseContext {
  /** Model name shown to the client; defaults to `req.body.model`. */
  publicModel?: string;
  /** Unix seconds; defaults to now. Injected so tests are exact. */
  created?: number;
}

export interface ProviderAdapter {
  readonly name: ProviderName;
  supports(capability: Capability): boolean;
  /** Throws ProviderRequestError when the request cannot be expressed for this provider. */
  buildRequest(req: ClientRequest, target: UpstreamTarget): UpstreamRequest;
  /** Only called for 2xx JSON bodies (and not at all when `usageFromJsonText` is there). */
  mapResponse(req: ClientRequest, status: number, json: unknown, ctx?: ResponseContext): MappedResponse;
  /**
   * For upstreams that already answer in OpenAI's shape: 2xx JSON bodies then go to the client byte for
   * byte, and this reads their usage from the raw text (null when there is none). Undefined for adapters
   * that must translate the body (mapResponse).
   */
  readonly usageFromJsonText?: (text: string) => Usage | null;
  createStreamMapper(req: ClientRequest, ctx: StreamContext): StreamMapper;
  /**
   * Turns an upstream error body into the OpenAI error shape without leaking secrets.
   * Pass the target so its exact key is redacted too.
   */
  mapErrorBody(status: number, body: unknown, target?: UpstreamTarget): OpenAiErrorObject;
  /** Tiny real request for "test connection"; `capability` picks e.g. embeddings for embedding deployments. */
  buildHealthCheck(target: UpstreamTarget, capability?: Capability): UpstreamRequest;
}

export type UpstreamErrorKind =
  | 'rate_limit'
  | 'timeout'
  | 'connection'
  | 'server'
  | 'auth'
  | 'bad_request'
  | 'not_found'
  | 'unsupported_route'
  | 'context_window'
  | 'content_filter'
  | 'other';

export interface UpstreamErrorClass {
  kind: UpstreamErrorKind;
  /** HTTP status from the upstream, or the status the gateway should answer with for thrown errors. */
  status: number;
  /** Same request may be retried (here or on another deployment). */
  retryable: boolean;
  /**
   * The deployment itself is unusable right now (rate limited, unreachable, bad key, unknown model):
   * take it out of rotation for a while, even if this request is not retried.
   */
  cooldown: boolean;
  retryAfterMs: number | null;
  /** Safe to show (secrets redacted). */
  message: string;
}
