import { DEFAULT_PRICES } from './default-prices';
import { PriceTable } from './price-table';

describe('PriceTable', () => {
  const table = new PriceTable(DEFAULT_PRICES);

  it('costs an exact model from its input and output prices per million tokens', () => {
    expect(table.costUsd('gpt-4.1', 1_000_000, 500_000)).toBeCloseTo(2 + 4, 10);
    expect(table.costUsd('text-embedding-3-small', 1000, 0)).toBeCloseTo(0.00002, 12);
  });

  it('matches dated and suffixed ids to the longest priced prefix', () => {
    expect(table.lookup('gpt-4.1-2025-04-14')?.model).toBe('gpt-4.1');
    expect(table.lookup('gpt-4.1-mini-2025-04-14')?.model).toBe('gpt-4.1-mini');
    expect(table.lookup('gpt-4o-mini-2024-07-18')?.model).toBe('gpt-4o-mini');
    expect(table.lookup('claude-sonnet-4-20250514')?.model).toBe('claude-sonnet-4');
    expect(table.lookup('claude-opus-4-5-20251101')?.model).toBe('claude-opus-4-5');
    expect(table.lookup('GPT-4o')?.model).toBe('gpt-4o');
  });

  it('only matches a prefix at a word boundary', () => {
    expect(table.lookup('o3x')).toBeNull();
    expect(table.lookup('gpt-4')).toBeNull();
  });

  it('strips a provider/ prefix, and costs unknown models at 0', () => {
    expect(table.lookup('openai/gpt-4.1-mini')?.model).toBe('gpt-4.1-mini');
    expect(table.lookup('openrouter/anthropic/claude-3-5-haiku-20241022')?.model).toBe('claude-3-5-haiku');
    expect(table.costUsd('my-local-llama', 1000, 1000)).toBe(0);
  });

  it('prefers an exact entry with a slash over stripping it', () => {
    const custom = new PriceTable([
      { model: 'gpt-4.1', inputUsdPerMTokens: 2, outputUsdPerMTokens: 8 },
      { model: 'azure/gpt-4.1', inputUsdPerMTokens: 3, outputUsdPerMTokens: 9 },
    ]);
    expect(custom.costUsd('azure/gpt-4.1', 1_000_000, 0)).toBe(3);
    expect(custom.costUsd('openai/gpt-4.1', 1_000_000, 0)).toBe(2);
  });
});
