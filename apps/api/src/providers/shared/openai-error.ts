import type { OpenAiErrorObject, UpstreamTarget } from '../provider.types';
import type { UpstreamErrorDetails } from '../upstream-error';
import { redactSecrets } from './redact-secrets';

/** OpenAI's error `type` for a status, used when the upstream did not say. */
export function defaultErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

export function toOpenAiErrorObject(
  status: number,
  details: UpstreamErrorDetails,
  target?: UpstreamTarget,
): OpenAiErrorObject {
  return {
    message: redactSecrets(details.message ?? `Upstream returned HTTP ${status}`, [target?.apiKey]),
    type: details.type ?? defaultErrorType(status),
    code: details.code,
    param: details.param,
  };
}

/** `{"error":{...}}` as one SSE data payload: how a failure is reported after the stream started. */
export function errorChunkData(error: OpenAiErrorObject): string {
  return JSON.stringify({ error });
}
