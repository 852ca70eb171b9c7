import {
  OpenAiBaseAdapter,
  requireApiBase,
  type OpenAiBaseConfig,
} from '../open-ai-base/open-ai-base.adapter';
import type { Capability, UpstreamTarget } from '../provider.types';
import { joinUrl } from '../shared/join-url';
import { probeTokenLimit } from '../shared/probe-token-limit';

export const AZURE_DEFAULT_API_VERSION = '2024-10-21';

// `stream_options` exists from 2024-09-01-preview on; older versions answer 400 "Unrecognized request argument".
const FIRST_API_VERSION_WITH_STREAM_USAGE = '2024-09-01';

/** Azure's newer "v1" API (`…/openai/v1`) takes OpenAI-style paths and the deployment name as `model`. */
const V1_BASE = /\/openai\/v1\/?$/i;

function apiVersion(target: UpstreamTarget): string {
  return target.apiVersion?.trim() || AZURE_DEFAULT_API_VERSION;
}

/**
 * `{resource}/openai/deployments/{deployment}{path}?api-version=…`. Operators paste the resource URL in
 * several forms (with a trailing slash, with `/openai`); all of them resolve to the same endpoint.
 */
export function azureUrl(target: UpstreamTarget, path: string): string {
  const base = requireApiBase(target, 'azure');
  if (V1_BASE.test(base)) {
    const url = joinUrl(base, path);
    return target.apiVersion?.trim()
      ? `${url}?api-version=${encodeURIComponent(target.apiVersion.trim())}`
      : url;
  }
  const resource = base.replace(/\/+$/, '').replace(/\/openai$/i, '');
  const deployment = encodeURIComponent(target.model);
  return `${resource}/openai/deployments/${deployment}${path}?api-version=${encodeURIComponent(apiVersion(target))}`;
}

function azureResourceUrl(target: UpstreamTarget, path: string): string {
  const base = requireApiBase(target, 'azure');
  if (V1_BASE.test(base)) return joinUrl(base, path);
  const resource = base.replace(/\/+$/, '').replace(/\/openai$/i, '');
  return `${resource}/openai${path}?api-version=${encodeURIComponent(apiVersion(target))}`;
}

export function azureAcceptsStreamUsage(target: UpstreamTarget): boolean {
  if (target.apiBase && V1_BASE.test(target.apiBase.trim())) return true;
  const version = apiVersion(target);
  // Date-shaped versions compare correctly as strings; anything else ("preview", "latest") is current.
  return /^\d{4}-\d{2}-\d{2}/.test(version) ? version >= FIRST_API_VERSION_WITH_STREAM_USAGE : true;
}

export const azureConfig: OpenAiBaseConfig = {
  name: 'azure',
  capabilities: new Set<Capability>([
    'chat',
    'completions',
    'embeddings',
    'audio.speech',
    'audio.transcriptions',
  ]),
  url: azureUrl,
  authHeaders: (target): Record<string, string> => (target.apiKey ? { 'api-key': target.apiKey } : {}),
  acceptsStreamUsage: azureAcceptsStreamUsage,
  // Azure has no per-deployment GET, so the check is a tiny real call on the deployment itself.
  healthCheck: (target, capability) => {
    if (capability === 'embeddings')
      return { method: 'POST', path: '/embeddings', body: { model: target.model, input: 'ping' } };
    if (capability === 'completions') {
      return {
        method: 'POST',
        path: '/completions',
        body: { model: target.model, prompt: 'ping', max_tokens: 1 },
      };
    }
    if (capability === 'chat') {
      const limit = probeTokenLimit(target.model);
      return {
        method: 'POST',
        path: '/chat/completions',
        body: { model: target.model, messages: [{ role: 'user', content: 'ping' }], ...limit },
      };
    }
    // Audio deployments have nothing cheap to call: list the resource's models (checks key and reachability).
    return { method: 'GET', path: '/models', url: azureResourceUrl(target, '/models') };
  },
};

export const azureAdapter = new OpenAiBaseAdapter(azureConfig);
