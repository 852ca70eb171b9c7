import { ProviderRequestError } from '../provider-request.error';
import type {
  Capability,
  ClientRequest,
  MappedResponse,
  OpenAiErrorObject,
  ProviderAdapter,
  ResponseContext,
  StreamContext,
  StreamMapper,
  UpstreamRequest,
  UpstreamTarget,
} from '../provider.types';
import { asString } from '../shared/json-guards';
import { toAnthropicRequest } from './anthropic.chat-request';
import { fromAnthropicMessage } from './anthropic.chat-response';
import { AnthropicStreamMapper } from './anthropic.chat-stream';
import { mapAnthropicErrorBody } from './anthropic.error';

export const ANTHROPIC_DEFAULT_API_BASE = 'https://api.anthropic.com';
export const ANTHROPIC_VERSION = '2023-06-01';

/** `{base}/v1{path}`; a base that already ends in `/v1` is not doubled. */
export function anthropicUrl(target: UpstreamTarget, path: string): string {
  const base = (target.apiBase?.trim() || ANTHROPIC_DEFAULT_API_BASE).replace(/\/+$/, '');
  return /\/v1$/i.test(base) ? `${base}${path}` : `${base}/v1${path}`;
}

function anthropicHeaders(target: UpstreamTarget): Record<string, string> {
  const headers: Record<string, string> = { 'anthropic-version': ANTHROPIC_VERSION };
  if (target.apiKey) headers['x-api-key'] = target.apiKey;
  return headers;
}

export class AnthropicAdapter implements ProviderAdapter {
  readonly name = 'anthropic' as const;

  supports(capability: Capability): boolean {
    return capability === 'chat';
  }

  buildRequest(req: ClientRequest, target: UpstreamTarget): UpstreamRequest {
    if (!this.supports(req.capability)) {
      throw new ProviderRequestError(
        `anthropic deployments do not support ${req.capability}`,
        400,
        'unsupported_capability',
      );
    }
    const body = toAnthropicRequest(req.body, target.model, req.stream);
    return {
      method: 'POST',
      url: anthropicUrl(target, '/messages'),
      headers: { ...anthropicHeaders(target), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    };
  }

  mapResponse(req: ClientRequest, _status: number, json: unknown, ctx: ResponseContext = {}): MappedResponse {
    return fromAnthropicMessage(json, {
      model: ctx.publicModel ?? asString(req.body.model) ?? '',
      created: ctx.created ?? Math.floor(Date.now() / 1000),
    });
  }

  createStreamMapper(req: ClientRequest, ctx: StreamContext): StreamMapper {
    return new AnthropicStreamMapper(req, ctx);
  }

  mapErrorBody(status: number, body: unknown, target?: UpstreamTarget): OpenAiErrorObject {
    return mapAnthropicErrorBody(status, body, target);
  }

  /** `GET /v1/models/{model}` checks key, reachability and model access without spending tokens. */
  buildHealthCheck(target: UpstreamTarget): UpstreamRequest {
    return {
      method: 'GET',
      url: anthropicUrl(target, `/models/${encodeURIComponent(target.model)}`),
      headers: anthropicHeaders(target),
      body: undefined,
    };
  }
}

export const anthropicAdapter = new AnthropicAdapter();
