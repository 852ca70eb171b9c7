import { addLiteLLMDuration, budgetDurationOf, budgetPeriodFor } from './litellm-duration';

describe('LiteLLM durations', () => {
  const from = new Date('2026-01-31T12:00:00.000Z');

  it.each([
    ['30s', '2026-01-31T12:00:30.000Z'],
    ['15m', '2026-01-31T12:15:00.000Z'],
    ['24h', '2026-02-01T12:00:00.000Z'],
    ['30d', '2026-03-02T12:00:00.000Z'],
    ['2w', '2026-02-14T12:00:00.000Z'],
    ['1mo', '2026-02-28T12:00:00.000Z'],
    ['12mo', '2027-01-31T12:00:00.000Z'],
  ])('adds %s', (text, expected) => {
    expect(addLiteLLMDuration(text, from)?.toISOString()).toBe(expected);
  });

  it('refuses what LiteLLM would not parse', () => {
    for (const text of ['', '30', 'd30', '1y', '1.5h', 'forever'])
      expect(addLiteLLMDuration(text, from)).toBeNull();
  });

  it('maps budget windows onto calendar periods and back', () => {
    expect(['24h', '1d', '7d', '1w', '30d', '1mo'].map(budgetPeriodFor)).toEqual([
      'daily',
      'daily',
      'weekly',
      'weekly',
      'monthly',
      'monthly',
    ]);
    expect(budgetPeriodFor('12h')).toBeNull();
    expect(budgetPeriodFor('90d')).toBeNull();
    expect(['daily', 'weekly', 'monthly', 'total', null].map((p) => budgetDurationOf(p as never))).toEqual([
      '1d',
      '7d',
      '1mo',
      null,
      null,
    ]);
  });
});
