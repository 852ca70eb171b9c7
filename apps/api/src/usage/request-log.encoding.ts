import type { RequestLogPricing } from '@switchboard/contracts';
import type { RequestLogEntry } from './request-log-entry';

/**
 * A request-log row as it waits in the writer's queue: the JSON object the batch statement reads with
 * `jsonb_to_recordset`. Rows are encoded once, when the request hands them over, so the queue holds one
 * compact string per request instead of an object graph, and a flush only joins strings.
 */
export type EncodedLogRow = string & { readonly __encodedLogRow: unique symbol };

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INT4_MAX = 2_147_483_647;

// A malformed row must never make its whole batch fail, so every value is made acceptable to its column:
// NUL bytes (rejected by text and jsonb) removed, lone UTF-16 surrogates (JSON.stringify writes them as
// `\udXXX` escapes, which jsonb rejects) replaced by U+FFFD, ids that are not UUIDs dropped, numbers bounded.
export function cleanText(value: unknown): string {
  const s = typeof value === 'string' ? value : String(value);
  // Fast path: nearly every string is well formed and NUL-free.
  if (s.isWellFormed() && !s.includes('\u0000')) return s;
  return s.toWellFormed().replaceAll('\u0000', '');
}
const text = (s: string | null | undefined): string | null =>
  s === null || s === undefined ? null : cleanText(s);
const uuid = (s: string | null | undefined): string | null => (s && UUID_RE.test(s) ? s : null);
const int = (n: number | null | undefined): number =>
  typeof n === 'number' && Number.isFinite(n) ? Math.max(-INT4_MAX, Math.min(INT4_MAX, Math.round(n))) : 0;
const nullableInt = (n: number | null | undefined): number | null =>
  n === null || n === undefined ? null : int(n);
const float = (n: number | null | undefined): number => (typeof n === 'number' && Number.isFinite(n) ? n : 0);
const timestamp = (d: Date): string =>
  (d instanceof Date && !Number.isNaN(d.getTime()) ? d : new Date()).toISOString();

function toRecord(e: RequestLogEntry) {
  const attempts = (e.attempts ?? []).map((a) => ({
    deploymentId: text(a.deploymentId) ?? '',
    deploymentName: text(a.deploymentName) ?? '',
    modelGroup: text(a.modelGroup) ?? '',
    status: int(a.status),
    errorKind: text(a.errorKind),
    latencyMs: float(a.latencyMs),
    startedAt: float(a.startedAt),
  }));
  return {
    createdAt: timestamp(e.createdAt),
    requestId: text(e.requestId) ?? '',
    route: text(e.route) ?? '',
    keyId: uuid(e.keyId),
    projectId: uuid(e.projectId),
    modelGroup: text(e.modelGroup) ?? '',
    deploymentId: uuid(e.deploymentId),
    deploymentName: text(e.deploymentName),
    attempts,
    attemptCount: attempts.length,
    status: int(e.status),
    errorType: text(e.errorType),
    errorMessage: text(e.errorMessage),
    latencyMs: Math.max(0, int(e.latencyMs)),
    ttftMs: nullableInt(e.ttftMs),
    gatewayMs: e.gatewayMs === null || e.gatewayMs === undefined ? null : float(e.gatewayMs),
    promptTokens: int(e.promptTokens),
    completionTokens: int(e.completionTokens),
    totalTokens: int(e.totalTokens),
    costUsd: float(e.costUsd),
    cachedTokens: Math.max(0, int(e.cachedTokens)),
    pricing: e.pricing ? pricingRecord(e.pricing) : null,
    stream: Boolean(e.stream),
    endUser: text(e.endUser),
    body: e.body
      ? {
          request: text(e.body.request),
          response: text(e.body.response),
          truncated: Boolean(e.body.truncated),
        }
      : null,
  };
}

function pricingRecord(p: RequestLogPricing) {
  return {
    model: text(p.model) ?? '',
    source: p.source,
    inputUsdPerMTokens: float(p.inputUsdPerMTokens),
    cachedInputUsdPerMTokens: p.cachedInputUsdPerMTokens === null ? null : float(p.cachedInputUsdPerMTokens),
    outputUsdPerMTokens: float(p.outputUsdPerMTokens),
  };
}

export function encodeLogRow(entry: RequestLogEntry): EncodedLogRow {
  return JSON.stringify(toRecord(entry)) as EncodedLogRow;
}

/** The JSON array of a batch: the rows are JSON already, so this is only a join. */
export function encodeLogBatch(rows: readonly EncodedLogRow[]): string {
  return `[${rows.join(',')}]`;
}
