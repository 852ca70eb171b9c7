import type { BudgetPeriod } from '@switchboard/contracts';

const DURATION = /^(\d+)\s*(s|m|h|d|w|mo)$/;

/**
 * `expires` for LiteLLM's `duration` ("30s", "15m", "24h", "30d", "2w", "1mo"): months are calendar
 * months, the rest fixed lengths. Null when the text is not a LiteLLM duration.
 */
export function addLiteLLMDuration(text: string, from: Date): Date | null {
  const match = DURATION.exec(text.trim());
  if (!match) return null;
  const n = Number(match[1]);
  const unit = match[2];
  if (unit === 'mo') {
    // Jan 31 + 1mo = Feb 28 (not Mar 3), as LiteLLM's relativedelta does.
    const d = new Date(from);
    const day = d.getUTCDate();
    d.setUTCDate(1);
    d.setUTCMonth(d.getUTCMonth() + n);
    const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
    d.setUTCDate(Math.min(day, lastDay));
    return d;
  }
  const seconds = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[unit as 's' | 'm' | 'h' | 'd' | 'w'];
  return new Date(from.getTime() + n * seconds * 1000);
}

/** LiteLLM's budget windows that match one of Switchboard's periods (which are calendar periods in UTC). */
const PERIODS: Readonly<Record<string, BudgetPeriod>> = {
  '1d': 'daily',
  '24h': 'daily',
  '1440m': 'daily',
  '86400s': 'daily',
  '7d': 'weekly',
  '1w': 'weekly',
  '168h': 'weekly',
  '30d': 'monthly',
  '1mo': 'monthly',
};

/** Null when Switchboard has no such period (e.g. "12h" or "90d"). */
export function budgetPeriodFor(budgetDuration: string): BudgetPeriod | null {
  return PERIODS[budgetDuration.trim().replace(/\s+/g, '')] ?? null;
}

/** The other way, for `/key/info`. */
export function budgetDurationOf(period: BudgetPeriod | null): string | null {
  switch (period) {
    case 'daily':
      return '1d';
    case 'weekly':
      return '7d';
    case 'monthly':
      return '1mo';
    case 'total':
    case null:
      return null;
  }
}
