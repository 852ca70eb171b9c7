import { randomBytes } from 'node:crypto';
import type { Capability, ClientRequest, OpenAiErrorObject, Usage } from '../providers/provider.types';
import type { RoutedDeployment } from '../routing/routing.types';
import type { RequestLogEntry } from '../usage/request-log-entry';
import type { Principal } from './gateway-auth';
import type { BodyCapture } from './body-capture';
import type { SseWriter } from './sse-writer';

/** Route names as they appear in the request log and metrics. */
export const ROUTE_NAMES: Record<Capability, string> = {
  chat: 'chat.completions',
  completions: 'completions',
  embeddings: 'embeddings',
  rerank: 'rerank',
  'audio.speech': 'audio.speech',
  'audio.transcriptions': 'audio.transcriptions',
};

/** Capabilities as a person reads them in an error message. */
export const CAPABILITY_LABEL: Record<Capability, string> = {
  chat: 'chat completions',
  completions: 'text completions',
  embeddings: 'embeddings',
  rerank: 'rerank',
  'audio.speech': 'audio/speech',
  'audio.transcriptions': 'audio/transcriptions',
};

/**
 * What a successful non-stream attempt hands back: the upstream's bytes (OpenAI-shaped JSON, audio) or
 * a translated JSON object. Usage is null only for answers that carry none (audio/speech).
 */
export interface BodyAnswer {
  kind: 'body';
  status: number;
  contentType: string;
  body: Buffer | object;
  usage: Usage | null;
}

/** A stream attempt writes to the client itself and reports what it sent. */
export interface StreamAnswer {
  kind: 'stream';
  usage: Usage;
  /** From the request's arrival: what the client waited for its first token. */
  ttftMs: number | null;
}

export type Answer = BodyAnswer | StreamAnswer;

/** Per-request bookkeeping shared by the attempts. */
export interface RequestState {
  requestId: string;
  startedAt: number;
  capability: Capability;
  principal: Principal;
  modelGroup: string;
  client: ClientRequest;
  /** From Content-Length: cheap, and close enough for rpm/tpm pre-checks. */
  estimatedTokens: number;
  abort: AbortController;
  /** Epoch ms after which no attempt may start or run (all attempts and fallbacks together). */
  deadlineAt: number;
  /** Time spent waiting on upstreams (so the gateway's own time can be reported). */
  upstreamMs: number;
  attemptsSoFar: number;
  writer: SseWriter | null;
  /** Cancels the non-stream upstream call in flight, if any (the client hung up). */
  cancelUpstream: ((reason: Error) => void) | null;
  /** Deployment that served (or last tried). */
  deployment: RoutedDeployment | null;
  clientGone: boolean;
  /**
   * What a stream that ended without success (client gone, upstream failure) had already sent: billed, so
   * hanging up before the usage chunk does not get around a budget.
   */
  partialUsage: { usage: Usage; deployment: RoutedDeployment } | null;
  /** An in-process caller that finishes the answer itself (the console's playground); null on /v1. */
  observer: RequestObserver | null;
  /** Collects the bodies when the key's project keeps them; null (or absent) otherwise. */
  capture?: BodyCapture | null;
}

/** How a request ended, for a RequestObserver: what it still has to send. */
export type ObservedEnd =
  /** A stream was sent (its last event too, or its error event); the writer is held open. */
  | { kind: 'stream'; writer: SseWriter }
  /** A non-stream answer, not sent yet. */
  | { kind: 'body'; answer: BodyAnswer }
  /** A failure before anything was sent (the reply may be hijacked by a stream attempt: write to it raw). */
  | { kind: 'error'; status: number; error: OpenAiErrorObject; retryAfterMs: number | null };

/**
 * Instead of an HTTP client on /v1, an in-process caller of the data plane (the console's playground). It is
 * handed the request's log row as soon as the request ends, with what is left to send: a stream stays open
 * after the data plane's last event (see SseWriter's holdOpen), a body or an error is not sent for it.
 */
export interface RequestObserver {
  ended(entry: RequestLogEntry, end: ObservedEnd): void;
}

/**
 * Request ids: `req_` and 32 hex digits, a random per-process half and a counter. Unique across restarts
 * and instances without a UUID (and its formatting) per request.
 */
const REQUEST_ID_PREFIX = `req_${randomBytes(8).toString('hex')}`;
let requestCounter = 0;
export function nextRequestId(): string {
  requestCounter++;
  return REQUEST_ID_PREFIX + requestCounter.toString(16).padStart(16, '0');
}
