import { getProvider, isProviderName, PROVIDER_NAMES } from './provider-registry';
import type { Capability } from './provider.types';

const CAPABILITIES: Capability[] = [
  'chat',
  'completions',
  'embeddings',
  'rerank',
  'audio.speech',
  'audio.transcriptions',
];

describe('provider registry', () => {
  it('has an adapter for every provider name, under its own name', () => {
    expect(PROVIDER_NAMES).toEqual(['openai', 'azure', 'openai-compatible', 'anthropic']);
    for (const name of PROVIDER_NAMES) expect(getProvider(name).name).toBe(name);
  });

  it('declares what each provider supports', () => {
    const matrix = Object.fromEntries(
      PROVIDER_NAMES.map((name) => [name, CAPABILITIES.filter((c) => getProvider(name).supports(c))]),
    );
    expect(matrix).toEqual({
      openai: CAPABILITIES,
      'openai-compatible': CAPABILITIES,
      azure: ['chat', 'completions', 'embeddings', 'audio.speech', 'audio.transcriptions'],
      anthropic: ['chat'],
    });
  });

  it('narrows stored provider strings', () => {
    expect(isProviderName('azure')).toBe(true);
    expect(isProviderName('bedrock')).toBe(false);
    expect(isProviderName('toString')).toBe(false);
    expect(isProviderName(undefined)).toBe(false);
  });
});
