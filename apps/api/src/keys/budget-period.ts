import type { BudgetPeriod } from '@switchboard/contracts';

export const RESETTING_PERIODS = ['daily', 'weekly', 'monthly'] as const;
export type ResettingPeriod = (typeof RESETTING_PERIODS)[number];

/**
 * When a budget period that contains `nowMs` ends, in UTC: the next midnight, the next Monday 00:00, or
 * the 1st of next month. `total` budgets (and keys without a period) never reset.
 */
export function nextBudgetReset(period: BudgetPeriod | null, nowMs: number): Date | null {
  const now = new Date(nowMs);
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const d = now.getUTCDate();
  switch (period) {
    case 'daily':
      return new Date(Date.UTC(y, m, d + 1));
    case 'weekly': {
      // getUTCDay: 0 = Sunday. Days until the next Monday, a full week when today is Monday.
      const days = (8 - now.getUTCDay()) % 7 || 7;
      return new Date(Date.UTC(y, m, d + days));
    }
    case 'monthly':
      return new Date(Date.UTC(y, m + 1, 1));
    case 'total':
    case null:
      return null;
  }
}

export function isBudgetPeriod(value: string | null): value is BudgetPeriod {
  return value === 'daily' || value === 'weekly' || value === 'monthly' || value === 'total';
}
