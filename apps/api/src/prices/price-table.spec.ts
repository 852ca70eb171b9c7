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

  it('costs cached prompt tokens at the cached input price, or the input price when there is none', () => {
    // gpt-4.1: $2 input, $0.50 cached input, $8 output.
    const priced = table.price('gpt-4.1-2025-04-14', {
      promptTokens: 1200,
      cachedTokens: 200,
      completionTokens: 300,
    });
    expect(priced.costUsd).toBeCloseTo((1000 * 2 + 200 * 0.5 + 300 * 8) / 1e6, 15);
    expect(priced.pricing).toEqual({
      model: 'gpt-4.1',
      source: 'custom',
      inputUsdPerMTokens: 2,
      cachedInputUsdPerMTokens: 0.5,
      outputUsdPerMTokens: 8,
    });
    // o3-pro publishes no cached price: cached tokens cost the input price.
    expect(table.costUsd('o3-pro', 1000, 0, 400)).toBeCloseTo((1000 * 20) / 1e6, 15);
    // Never more cached than prompt tokens, never negative.
    expect(table.costUsd('gpt-4.1', 100, 0, 1000)).toBeCloseTo((100 * 0.5) / 1e6, 15);
    expect(table.costUsd('gpt-4.1', 100, 0, -5)).toBeCloseTo((100 * 2) / 1e6, 15);
    expect(table.price('my-local-llama', { promptTokens: 10, completionTokens: 10 })).toEqual({
      costUsd: 0,
      pricing: null,
    });
  });

  it('names the source of a price, and hands out the same frozen record for each request', () => {
    const custom = new PriceTable(
      [
        { model: 'gpt-4.1', inputUsdPerMTokens: 2, cachedInputUsdPerMTokens: 0.5, outputUsdPerMTokens: 8 },
        { model: 'gpt-4o', inputUsdPerMTokens: 3, outputUsdPerMTokens: 12 },
      ],
      (p) => p.model === 'gpt-4.1',
    );
    const a = custom.price('gpt-4.1', { promptTokens: 1, completionTokens: 1 }).pricing;
    expect(a?.source).toBe('built-in');
    expect(custom.price('gpt-4o', { promptTokens: 1, completionTokens: 1 }).pricing).toMatchObject({
      source: 'custom',
      cachedInputUsdPerMTokens: null,
    });
    expect(custom.price('gpt-4.1-mini-x', { promptTokens: 1, completionTokens: 1 }).pricing).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
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
