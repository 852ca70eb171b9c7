import { anthropicAdapter } from './anthropic/anthropic.api';
import { azureAdapter } from './azure/azure.api';
import { openAiCompatibleAdapter } from './openai-compatible/openai-compatible.api';
import { openAiAdapter } from './openai/openai.api';
import { CAPABILITIES, type Capability } from '@switchboard/contracts';
import type { ProviderAdapter, ProviderName } from './provider.types';

const ADAPTERS: Readonly<Record<ProviderName, ProviderAdapter>> = {
  openai: openAiAdapter,
  azure: azureAdapter,
  'openai-compatible': openAiCompatibleAdapter,
  anthropic: anthropicAdapter,
};

export const PROVIDER_NAMES: readonly ProviderName[] = ['openai', 'azure', 'openai-compatible', 'anthropic'];

export function getProvider(name: ProviderName): ProviderAdapter {
  return ADAPTERS[name];
}

/** Everything a provider's adapter can express. */
export function defaultCapabilities(provider: string): Capability[] {
  return isProviderName(provider) ? CAPABILITIES.filter((c) => ADAPTERS[provider].supports(c)) : [];
}

/**
 * What a deployment serves: its own list when it declares one (unknown names ignored, and only what its
 * provider can express), else everything its provider can do.
 */
export function effectiveCapabilities(provider: string, declared: readonly string[]): Capability[] {
  const possible = defaultCapabilities(provider);
  const own = possible.filter((c) => declared.includes(c));
  return own.length > 0 ? own : possible;
}

/** Deployments store the provider as a string; narrow it once at the edge. */
export function isProviderName(value: unknown): value is ProviderName {
  return typeof value === 'string' && Object.hasOwn(ADAPTERS, value);
}
