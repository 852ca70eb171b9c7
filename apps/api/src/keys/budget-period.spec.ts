import { nextBudgetReset } from './budget-period';

const at = (iso: string) => new Date(iso).getTime();

describe('nextBudgetReset', () => {
  it('ends a daily period at the next UTC midnight', () => {
    expect(nextBudgetReset('daily', at('2025-03-31T23:59:59Z'))?.toISOString()).toBe(
      '2025-04-01T00:00:00.000Z',
    );
    expect(nextBudgetReset('daily', at('2025-04-01T00:00:00Z'))?.toISOString()).toBe(
      '2025-04-02T00:00:00.000Z',
    );
  });

  it('ends a weekly period at the next Monday 00:00 UTC', () => {
    expect(nextBudgetReset('weekly', at('2025-01-05T12:00:00Z'))?.toISOString()).toBe(
      '2025-01-06T00:00:00.000Z',
    ); // Sunday
    expect(nextBudgetReset('weekly', at('2025-01-06T00:00:00Z'))?.toISOString()).toBe(
      '2025-01-13T00:00:00.000Z',
    ); // Monday
    expect(nextBudgetReset('weekly', at('2025-01-01T08:00:00Z'))?.toISOString()).toBe(
      '2025-01-06T00:00:00.000Z',
    ); // Wednesday
  });

  it('ends a monthly period on the 1st of next month, across years', () => {
    expect(nextBudgetReset('monthly', at('2025-01-31T10:00:00Z'))?.toISOString()).toBe(
      '2025-02-01T00:00:00.000Z',
    );
    expect(nextBudgetReset('monthly', at('2025-12-15T10:00:00Z'))?.toISOString()).toBe(
      '2026-01-01T00:00:00.000Z',
    );
  });

  it('never resets total budgets or keys without a period', () => {
    expect(nextBudgetReset('total', Date.now())).toBeNull();
    expect(nextBudgetReset(null, Date.now())).toBeNull();
  });
});
