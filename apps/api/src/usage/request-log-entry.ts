import type { RequestLogPricing } from '@switchboard/contracts';

// What the gateway hands to the request log and the refusal counter: the ports usage/ implements and
// gateway/ writes to (the gateway depends on usage, never the other way round).

/** A request log row as the gateway hands it over; written in batches off the hot path. */
export interface RequestLogEntry {
  createdAt: Date;
  requestId: string;
  /** chat.completions | completions | embeddings | rerank | audio.speech | audio.transcriptions */
  route: string;
  keyId: string | null;
  projectId: string | null;
  modelGroup: string;
  deploymentId: string | null;
  deploymentName: string | null;
  attempts: {
    deploymentId: string;
    deploymentName: string;
    modelGroup: string;
    status: number;
    errorKind: string | null;
    latencyMs: number;
    startedAt: number;
  }[];
  status: number;
  errorType: string | null;
  errorMessage: string | null;
  latencyMs: number;
  ttftMs: number | null;
  gatewayMs: number | null;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  costUsd: number;
  /** Prompt tokens served from the provider's cache (part of promptTokens); absent: 0. */
  cachedTokens?: number;
  /** The price row the cost was computed with, as it was then; null or absent: no price known (cost 0). */
  pricing?: RequestLogPricing | null;
  stream: boolean;
  endUser: string | null;
  /** Request and response bodies, only for projects that keep them (redacted and capped by the gateway). */
  body?: RequestLogBodies | null;
}

/** Stored bodies of one request (RequestBody), written in the same statement as its row. */
export interface RequestLogBodies {
  request: string | null;
  response: string | null;
  /** Either body was cut at the project's cap. */
  truncated: boolean;
}

export interface RequestLogSink {
  /** Never blocks and never throws: the row is queued (or counted as dropped when the queue is full). */
  enqueue(entry: RequestLogEntry): void;
}

export const REQUEST_LOG_SINK = Symbol('REQUEST_LOG_SINK');

/**
 * Counts requests refused before any key was recognised (missing, unknown, revoked key): per minute and in
 * metrics, not a log row each, so nobody can grow the request log without a key.
 */
export interface RefusalSink {
  /** In-memory increment only (hot path). */
  count(route: string, status: number, reason: string): void;
}

export const REFUSAL_SINK = Symbol('REFUSAL_SINK');
