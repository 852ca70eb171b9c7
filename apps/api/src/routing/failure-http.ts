import type { AttemptError, FailureReason } from './routing.types';

/** A routing failure as OpenAI-style clients see it. */
export interface HttpFailure {
  status: number;
  type: string;
  code: string;
}

/**
 * 502, 503 and 504 pass through (they mean different things to clients); an upstream's 500 (or anything
 * else) is a 502 from the gateway's side: the gateway itself did not fail.
 */
function upstreamStatus(error: AttemptError | null): number {
  return error && error.status >= 502 && error.status <= 504 ? error.status : 502;
}

/**
 * The one place a routing failure becomes an HTTP answer. The router says why a request failed (`reason`,
 * and the attempt error that decided it); this says which status, type and code that is.
 */
export function httpFailure(out: { reason: FailureReason; lastError: AttemptError | null }): HttpFailure {
  const e = out.lastError;
  switch (out.reason) {
    case 'model_not_found':
      return { status: 404, type: 'invalid_request_error', code: 'model_not_found' };
    case 'unsupported_endpoint':
      return { status: 404, type: 'invalid_request_error', code: 'unsupported_endpoint' };
    case 'unsupported_request':
      return { status: e?.status ?? 400, type: 'invalid_request_error', code: 'unsupported_request' };
    case 'request_rejected':
      // The upstream rejected the request itself (a 4xx): its verdict passes through.
      return { status: e?.status ?? 400, type: 'invalid_request_error', code: e?.kind ?? 'invalid_request' };
    case 'rate_limited':
      return { status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded' };
    case 'upstream_auth':
      return { status: 502, type: 'api_error', code: 'upstream_auth_error' };
    case 'upstream_failed':
      return { status: upstreamStatus(e), type: 'api_error', code: 'upstream_error' };
    case 'no_available_deployment':
      return { status: 503, type: 'api_error', code: 'no_available_deployment' };
    case 'deadline_exceeded':
      return { status: 504, type: 'api_error', code: 'deadline_exceeded' };
    case 'client_closed':
      return { status: 499, type: 'invalid_request_error', code: 'client_closed_request' };
  }
}
