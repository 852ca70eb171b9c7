import type { OpenAiErrorObject, UpstreamTarget } from '../provider.types';
import { toOpenAiErrorObject } from '../shared/openai-error';
import { extractUpstreamErrorDetails } from '../upstream-error';

/** Anthropic error type -> OpenAI error type and code, so OpenAI clients recognise the failure. */
const OPENAI_EQUIVALENT: Record<string, { type: string; code: string | null }> = {
  invalid_request_error: { type: 'invalid_request_error', code: null },
  authentication_error: { type: 'authentication_error', code: 'invalid_api_key' },
  billing_error: { type: 'invalid_request_error', code: 'insufficient_quota' },
  permission_error: { type: 'permission_error', code: null },
  not_found_error: { type: 'not_found_error', code: null },
  request_too_large: { type: 'invalid_request_error', code: 'request_too_large' },
  rate_limit_error: { type: 'rate_limit_error', code: 'rate_limit_exceeded' },
  api_error: { type: 'server_error', code: null },
  timeout_error: { type: 'server_error', code: 'timeout' },
  overloaded_error: { type: 'server_error', code: 'overloaded' },
};

// "prompt is too long: 208315 tokens > 200000 maximum"
const PROMPT_TOO_LONG = /prompt is too long|input is too long|exceed(s|ed)? (the )?context/i;

/** `{type:'error', error:{type, message}}` (HTTP body or stream `error` event) -> OpenAI error object. */
export function mapAnthropicErrorBody(
  status: number,
  body: unknown,
  target?: UpstreamTarget,
): OpenAiErrorObject {
  const details = extractUpstreamErrorDetails(body);
  const base = toOpenAiErrorObject(status, details, target);
  const equivalent = details.type ? OPENAI_EQUIVALENT[details.type] : undefined;
  if (equivalent) {
    base.type = equivalent.type;
    base.code = equivalent.code;
  }
  if (base.type === 'invalid_request_error' && details.message && PROMPT_TOO_LONG.test(details.message)) {
    base.code = 'context_length_exceeded';
  }
  return base;
}
