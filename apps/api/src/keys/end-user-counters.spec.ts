import { FakeClock, T0 } from '../common/testing/fake-clock';
import { DAY_MS, EndUserCounters, utcDay } from './end-user-counters';
import { InMemoryKeyCounters } from './key-counters';
import { KeyRegistry } from './key-registry';

const KEY = '00000000-0000-4000-8000-000000000001';

describe('EndUserCounters', () => {
  it('counts requests per end user and calendar minute', () => {
    const c = new EndUserCounters();
    const now = T0 + 5_000;
    c.hit(KEY, 'alice', now);
    c.hit(KEY, 'alice', now);
    c.hit(KEY, 'bob', now);
    expect(c.requests(KEY, 'alice', now)).toBe(2);
    expect(c.requests(KEY, 'bob', now)).toBe(1);
    expect(c.requests('other-key', 'alice', now)).toBe(0);
    // The next minute starts at zero.
    expect(c.requests(KEY, 'alice', now + 60_000)).toBe(0);
  });

  it('stays within its cap under a flood of distinct end users, forgetting the least recently seen first', () => {
    const c = new EndUserCounters(100);
    const now = T0 + 5_000;
    for (let i = 0; i < 10_000; i++) {
      c.hit(KEY, `user-${i}`, now);
      c.addSpend(KEY, `user-${i}`, now, 0.01);
    }
    expect(c.size).toEqual({ minutes: 100, days: 100 });
    expect(c.requests(KEY, 'user-9999', now)).toBe(1);
    expect(c.requests(KEY, 'user-0', now)).toBe(0);
    expect(c.spend(KEY, 'user-9999', now).usd).toBeCloseTo(0.01);
  });

  it('drops past minutes and past days as soon as anything is written, not only at the cap', () => {
    const c = new EndUserCounters(1_000);
    const now = T0 + 5_000;
    for (let i = 0; i < 50; i++) {
      c.hit(KEY, `user-${i}`, now);
      c.addSpend(KEY, `user-${i}`, now, 1);
    }
    expect(c.size).toEqual({ minutes: 50, days: 50 });
    c.hit(KEY, 'late', now + 60_000);
    expect(c.size.minutes).toBe(1);
    c.addSpend(KEY, 'late', now + DAY_MS, 1);
    expect(c.size.days).toBe(1);
  });

  it("adds a day's spend to the figure read from the database, and ignores a figure for a day that is over", () => {
    const c = new EndUserCounters();
    const now = T0 + 5_000;
    c.addSpend(KEY, 'alice', now, 0.5);
    expect(c.spend(KEY, 'alice', now)).toEqual({ usd: 0.5, seeded: false });
    c.seed(KEY, 'alice', utcDay(now), 2, now);
    expect(c.spend(KEY, 'alice', now)).toEqual({ usd: 2.5, seeded: true });
    c.seed(KEY, 'bob', utcDay(now) - 1, 7, now);
    expect(c.spend(KEY, 'bob', now)).toEqual({ usd: 0, seeded: false });
    // Tomorrow starts from nothing.
    expect(c.spend(KEY, 'alice', now + DAY_MS)).toEqual({ usd: 0, seeded: false });
  });
});

describe('per-end-user limits in the key registry (in memory)', () => {
  function setup(fields: { endUserRpmLimit?: number | null; endUserDailyBudgetUsd?: number | null }) {
    const clock = new FakeClock(T0 + 10_000);
    const counters = new InMemoryKeyCounters(100);
    const seeds: string[] = [];
    const registry = new KeyRegistry({
      masterKey: 'sk-sb-master-key-for-unit-tests',
      clock,
      counters,
      spendSettleMs: 1_000,
      seedEndUser: (_keyId, endUser) => seeds.push(endUser),
    });
    registry.replace(
      [
        {
          id: KEY,
          projectId: '11111111-1111-4111-8111-111111111111',
          alias: 'dify-app',
          prefix: 'sk-sb-abcd…wxyz',
          keyHash: 'h',
          previousKeyHash: null,
          previousKeyExpiresAt: null,
          models: [],
          rpmLimit: null,
          tpmLimit: null,
          maxParallel: null,
          endUserRpmLimit: fields.endUserRpmLimit ?? null,
          endUserDailyBudgetUsd: fields.endUserDailyBudgetUsd ?? null,
          maxBudgetUsd: null,
          budgetPeriod: null,
          budgetResetAt: null,
          periodSpendUsd: 0,
          expiresAt: null,
          revokedAt: null,
          lastUsedAt: null,
        },
      ],
      clock.now(),
    );
    const principal = { kind: 'virtual' as const, keyId: KEY, projectId: 'p', alias: 'dify-app', models: [] };
    const admit = (user?: unknown) => {
      const a = registry.admit(principal, 'gpt', 1, user);
      if (a instanceof Promise) throw new Error('expected a synchronous admission');
      return a;
    };
    return { clock, counters, admit, seeds };
  }

  it('asks for the end user’s spend today only when the key has a daily budget and the figure is unknown', () => {
    const { admit, seeds, counters, clock } = setup({ endUserDailyBudgetUsd: 1 });
    admit('alice').release({ totalTokens: 1, costUsd: 0.1 });
    expect(seeds).toEqual(['alice']);
    counters.seedEndUserSpend(KEY, 'alice', utcDay(clock.now()), 0, clock.now());
    admit('alice');
    admit();
    expect(seeds).toEqual(['alice']);

    const rpmOnly = setup({ endUserRpmLimit: 5 });
    rpmOnly.admit('alice');
    expect(rpmOnly.seeds).toEqual([]);
  });

  it('keeps the counter map within its cap while a client sends a new `user` every request', () => {
    const { admit, counters } = setup({ endUserRpmLimit: 2 });
    for (let i = 0; i < 5_000; i++) admit(`flood-${i}`).release({ totalTokens: 1, costUsd: 0 });
    expect(counters.endUsers.size.minutes).toBeLessThanOrEqual(100);
    // The limit still holds for a user seen recently.
    admit('alice');
    admit('alice');
    expect(() => admit('alice')).toThrow(/end user 'alice'/);
  });
});
