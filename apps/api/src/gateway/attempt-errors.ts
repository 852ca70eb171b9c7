import type { ProviderAdapter, UpstreamTarget } from '../providers/provider.types';
import { type ProviderRequestError } from '../providers/provider-request.error';
import { classifyUpstreamError, type HeaderBag } from '../providers/upstream-error';
import type { AttemptError, AttemptResult, RoutedDeployment } from '../routing/routing.types';

/**
 * How one attempt failed, in the router's terms (`AttemptError`): retry, cooldown and fallback read only
 * these flags. Everything that turns an upstream answer or a local refusal into one lives here.
 */

export function fail<T>(error: AttemptError, committed: boolean): AttemptResult<T> {
  return { ok: false, error, committed };
}

/** The client hung up; says nothing about the deployment. */
export function clientClosed<T>(committed: boolean): AttemptResult<T> {
  return fail(
    {
      kind: 'client_closed',
      status: 499,
      retryable: false,
      cooldown: false,
      retryAfterMs: null,
      message: 'The client closed the connection',
    },
    committed,
  );
}

/** An upstream answer the gateway cannot pass on (nothing sent yet): another deployment may do better. */
export function badResponse<T>(message: string): AttemptResult<T> {
  return fail(
    { kind: 'bad_response', status: 502, retryable: true, cooldown: false, retryAfterMs: null, message },
    false,
  );
}

/** An upstream error answer (status >= 400), classified once and with the provider's message. */
export function upstreamFailure<T>(
  d: RoutedDeployment,
  adapter: ProviderAdapter,
  target: UpstreamTarget,
  status: number,
  headers: HeaderBag,
  text: string,
): AttemptResult<T> {
  const body = parseJsonOrText(text);
  const cls = classifyUpstreamError({ status, headers, body });
  const mapped = adapter.mapErrorBody(status, body, target);
  return fail({ ...cls, message: `${d.name}: ${mapped.message || cls.message}` }, false);
}

/**
 * The provider adapter could not express the request for this deployment. A 5xx is the deployment's
 * misconfiguration (it cools down like any broken deployment); a 4xx is this provider refusing this request
 * (e.g. content Anthropic cannot take): another deployment of the group may serve it, and this one stays
 * in rotation for everything else.
 */
export function providerRefusal<T>(d: RoutedDeployment, err: ProviderRequestError): AttemptResult<T> {
  const message = `${d.name}: ${err.message}`;
  if (err.status >= 500) {
    return fail(
      {
        kind: 'provider_config',
        status: err.status,
        retryable: true,
        cooldown: true,
        retryAfterMs: null,
        message,
      },
      false,
    );
  }
  return fail(
    {
      kind: 'provider_unsupported',
      status: err.status,
      retryable: true,
      cooldown: false,
      retryAfterMs: null,
      message,
    },
    false,
  );
}

export class ClientClosedError extends Error {
  constructor() {
    super('The client closed the connection');
    this.name = 'AbortError';
  }
}

export function parseJsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
