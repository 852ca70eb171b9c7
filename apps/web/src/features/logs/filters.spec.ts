import fc from 'fast-check';
import { TIME_RANGE_SPECS, type TimeRange } from '@/components/ui/time-range';
import { hasActiveFilters, logFiltersToSearch, logsFrom, parseLogFilters, type LogFilters } from './filters';

const RANGES = [...(Object.keys(TIME_RANGE_SPECS) as TimeRange[]), 'all' as const];
const uuid = fc.uuid();
const text = fc.string({ minLength: 1, maxLength: 200 }).filter((s) => s.trim() === s && s !== '');

const filters: fc.Arbitrary<LogFilters> = fc.record(
  {
    range: fc.constantFrom(...RANGES),
    projectId: uuid,
    keyId: uuid,
    modelGroup: text,
    deploymentId: uuid,
    status: fc.constantFrom('success', 'error', '429', '500', '200'),
    requestId: text,
    q: text,
  },
  { requiredKeys: ['range'] },
);

describe('log filters in the URL', () => {
  it('read back exactly what was written (any valid filters)', () => {
    fc.assert(
      fc.property(filters, (f) => {
        const search = logFiltersToSearch(f);
        const back = parseLogFilters(new URLSearchParams(search));
        expect(Object.fromEntries(Object.entries(back).filter(([, v]) => v !== undefined))).toEqual(f);
        expect(hasActiveFilters(back)).toBe(search !== '');
      }),
    );
  });

  it('drop what the API would reject instead of sending it', () => {
    const parsed = parseLogFilters(
      new URLSearchParams({
        range: 'forever',
        projectId: "1' OR '1'='1",
        keyId: 'not-a-uuid',
        status: '999',
        modelGroup: '   ',
        requestId: 'x'.repeat(201),
        q: '  boom  ',
      }),
    );
    expect(parsed).toEqual({
      range: '24h',
      projectId: undefined,
      keyId: undefined,
      modelGroup: undefined,
      deploymentId: undefined,
      status: undefined,
      requestId: undefined,
      q: 'boom',
    });
  });

  it('start the list at the range before now, or nowhere for all', () => {
    const now = Date.UTC(2026, 11, 5, 12);
    expect(logsFrom('1h', now)).toBe(new Date(now - 3_600_000).toISOString());
    expect(logsFrom('all', now)).toBeNull();
  });
});
