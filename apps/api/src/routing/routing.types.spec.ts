import { normaliseStrategy, ROUTING_STRATEGIES } from './routing.types';

describe('normaliseStrategy', () => {
  it('accepts every canonical name and the LiteLLM aliases', () => {
    for (const s of ROUTING_STRATEGIES) expect(normaliseStrategy(s)).toBe(s);
    expect(normaliseStrategy('simple-shuffle')).toBe('weighted-shuffle');
    expect(normaliseStrategy(' Least-Busy ')).toBe('least-busy');
    expect(normaliseStrategy('latency-based-routing')).toBe('lowest-latency');
    expect(normaliseStrategy('usage-based-routing-v2')).toBe('usage-based');
  });

  it('returns null for anything else', () => {
    expect(normaliseStrategy('cost-based-routing')).toBeNull();
    expect(normaliseStrategy('')).toBeNull();
  });
});
