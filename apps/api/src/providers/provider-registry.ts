import { anthropicAdapter } from './anthropic/anthropic.api';
import { azureAdapter } from './azure/azure.api';
import { openAiCompatibleAdapter } from './openai-compatible/openai-compatible.api';
import { openAiAdapter } from './openai/openai.api';
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

/** Deployments store the provider as a string; narrow it once at the edge. */
export function isProviderName(value: unknown): value is ProviderName {
  return typeof value === 'string' && Object.hasOwn(ADAPTERS, value);
}
