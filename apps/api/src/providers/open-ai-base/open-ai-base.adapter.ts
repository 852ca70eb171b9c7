/**
 * The one implementation behind every OpenAI-compatible provider. Providers differ only in the
 * `OpenAiBaseConfig` they pass: where URLs point, how they authenticate, what they support.
 */
import { ProviderRequestError } from '../provider-request.error';
import type {
  Capability,
  ClientRequest,
  MappedResponse,
  OpenAiErrorObject,
  ProviderAdapter,
  ProviderName,
  StreamContext,
  StreamMapper,
  UpstreamRequest,
  UpstreamTarget,
  Usage,
} from '../provider.types';
import { isRecord } from '../shared/json-guards';
import { toOpenAiErrorObject } from '../shared/openai-error';
import { extractUpstreamErrorDetails } from '../upstream-error';
import { replaceMultipartField } from './multipart-field';
import { OpenAiPassthroughStreamMapper, RawPassthroughStreamMapper } from './open-ai-base.stream';
import { topLevelObjectText } from './json-scan';
import { usageFromOpenAi, usageFromOpenAiBody } from './open-ai-base.usage';

export const CAPABILITY_PATHS: Readonly<Record<Capability, string>> = {
  chat: '/chat/completions',
  completions: '/completions',
  embeddings: '/embeddings',
  rerank: '/rerank',
  'audio.speech': '/audio/speech',
  'audio.transcriptions': '/audio/transcriptions',
};

/** Capabilities whose streams are OpenAI chunk streams (and so end with a usage chunk). */
const CHUNK_STREAM_CAPABILITIES: ReadonlySet<Capability> = new Set<Capability>(['chat', 'completions']);

export interface HealthCheckSpec {
  method: 'GET' | 'POST';
  path: string;
  body?: Record<string, unknown>;
  /** Absolute URL when the check is not under the deployment's own path. */
  url?: string;
}

export interface OpenAiBaseConfig {
  name: ProviderName;
  capabilities: ReadonlySet<Capability>;
  /** Absolute URL for an API path such as `/chat/completions`. */
  url(target: UpstreamTarget, path: string): string;
  /** Authentication headers; content-type is added by the base. */
  authHeaders(target: UpstreamTarget): Record<string, string>;
  /** Whether `stream_options.include_usage` may be sent (old Azure API versions reject the field). */
  acceptsStreamUsage(target: UpstreamTarget): boolean;
  healthCheck(target: UpstreamTarget, capability: Capability): HealthCheckSpec;
}

export class OpenAiBaseAdapter implements ProviderAdapter {
  readonly name: ProviderName;

  constructor(private readonly config: OpenAiBaseConfig) {
    this.name = config.name;
  }

  supports(capability: Capability): boolean {
    return this.config.capabilities.has(capability);
  }

  buildRequest(req: ClientRequest, target: UpstreamTarget): UpstreamRequest {
    if (!this.supports(req.capability)) {
      throw new ProviderRequestError(
        `${this.name} deployments do not support ${req.capability}`,
        400,
        'unsupported_capability',
      );
    }
    const url = this.config.url(target, CAPABILITY_PATHS[req.capability]);
    const headers = this.config.authHeaders(target);
    if (req.capability === 'audio.transcriptions') {
      if (!req.rawBody || !req.contentType) {
        throw new ProviderRequestError(
          'Transcriptions must be sent as multipart/form-data',
          400,
          'invalid_request',
        );
      }
      headers['content-type'] = req.contentType;
      // Only the model field changes; the audio bytes are passed through as slices.
      const body = replaceMultipartField(req.rawBody, req.contentType, 'model', target.model);
      return { method: 'POST', url, headers, body };
    }
    headers['content-type'] = 'application/json';
    return { method: 'POST', url, headers, body: this.jsonBody(req, target) };
  }

  mapResponse(_req: ClientRequest, _status: number, json: unknown): MappedResponse {
    return { body: json, usage: usageFromOpenAiBody(json) };
  }

  /** The answer is OpenAI's shape already: it is passed through untouched, only its usage is read. */
  readonly usageFromJsonText = (text: string): Usage | null => {
    const usage = topLevelObjectText(text, 'usage');
    if (usage === undefined) return null;
    try {
      return usageFromOpenAi(JSON.parse(usage));
    } catch {
      return null;
    }
  };

  createStreamMapper(req: ClientRequest, ctx: StreamContext): StreamMapper {
    return CHUNK_STREAM_CAPABILITIES.has(req.capability)
      ? new OpenAiPassthroughStreamMapper(req, ctx)
      : new RawPassthroughStreamMapper();
  }

  mapErrorBody(status: number, body: unknown, target?: UpstreamTarget): OpenAiErrorObject {
    return toOpenAiErrorObject(status, extractUpstreamErrorDetails(body), target);
  }

  buildHealthCheck(target: UpstreamTarget, capability: Capability = 'chat'): UpstreamRequest {
    const spec = this.config.healthCheck(target, capability);
    const headers = this.config.authHeaders(target);
    const url = spec.url ?? this.config.url(target, spec.path);
    if (spec.body === undefined) return { method: spec.method, url, headers, body: undefined };
    headers['content-type'] = 'application/json';
    return { method: spec.method, url, headers, body: JSON.stringify(spec.body) };
  }

  /**
   * Unknown fields pass through untouched. Only `model` changes, and streamed chat/completions ask for
   * usage so the gateway can always end with a usage chunk.
   */
  private jsonBody(req: ClientRequest, target: UpstreamTarget): string {
    const body: Record<string, unknown> = { ...req.body, model: target.model };
    if (
      req.stream &&
      CHUNK_STREAM_CAPABILITIES.has(req.capability) &&
      this.config.acceptsStreamUsage(target)
    ) {
      const clientOptions = isRecord(req.body.stream_options) ? req.body.stream_options : {};
      body.stream_options = { ...clientOptions, include_usage: true };
    }
    return JSON.stringify(body);
  }
}

/** For providers that cannot work without an operator-set base URL. */
export function requireApiBase(target: UpstreamTarget, provider: ProviderName): string {
  const base = target.apiBase?.trim();
  if (!base) {
    throw new ProviderRequestError(
      `The ${provider} deployment has no API base URL configured`,
      500,
      'deployment_misconfigured',
    );
  }
  return base;
}

/** `Authorization: Bearer …`, only when a key is set (local servers often run without one). */
export function bearerAuth(target: UpstreamTarget): Record<string, string> {
  return target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {};
}
