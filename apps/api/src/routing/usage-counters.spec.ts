import { InMemoryUsageCounters, windowResetAt } from './usage-counters';
import { T0 } from '../common/testing/fake-clock';

describe('InMemoryUsageCounters', () => {
  it('counts requests and tokens per calendar minute', () => {
    const c = new InMemoryUsageCounters();
    c.hit('a', T0 + 1_000);
    c.hit('a', T0 + 59_999);
    c.addTokens('a', 120, T0 + 30_000);
    c.addTokens('a', -5, T0 + 30_000); // nonsense is ignored
    expect(c.get('a', T0 + 59_999)).toEqual(expect.objectContaining({ rpm: 2, tpm: 120 }));
    expect(c.get('a', T0 + 60_000)).toEqual({ rpm: 0, tpm: 0 });
    c.hit('a', T0 + 60_000);
    expect(c.get('a', T0 + 60_001)).toEqual(expect.objectContaining({ rpm: 1, tpm: 0 }));
    expect(c.get('b', T0)).toEqual({ rpm: 0, tpm: 0 });
  });

  it('counts a timestamp from before the current window toward it, and forgets deleted deployments', () => {
    const c = new InMemoryUsageCounters();
    c.hit('a', T0 + 60_000);
    c.hit('a', T0 + 59_000); // clock stepped back
    expect(c.get('a', T0 + 60_000).rpm).toBe(2);
    c.forget('a');
    expect(c.get('a', T0 + 60_000).rpm).toBe(0);
  });

  it('knows when the window frees up', () => {
    expect(windowResetAt(T0)).toBe(T0 + 60_000);
    expect(windowResetAt(T0 + 59_999)).toBe(T0 + 60_000);
  });
});
