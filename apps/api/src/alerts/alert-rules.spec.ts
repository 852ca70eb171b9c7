import {
  budgetFirings,
  cooldownFirings,
  errorRateFirings,
  reconcile,
  type RuleCondition,
} from './alert-rules';

const rule = (over: Partial<RuleCondition>): RuleCondition => ({
  kind: 'deployment.error_rate',
  target: null,
  threshold: 0.5,
  windowMinutes: 5,
  minRequests: 10,
  ...over,
});

describe('alert rule evaluation', () => {
  it('deployment.cooldown: benched, enabled, watched deployments only', () => {
    const deployments = [
      { id: 'a', name: 'A', enabled: true, benched: true },
      { id: 'b', name: 'B', enabled: true, benched: false },
      { id: 'c', name: 'C', enabled: false, benched: true },
    ];
    const all = cooldownFirings(rule({ kind: 'deployment.cooldown', threshold: null }), deployments);
    expect(all).toEqual([{ subject: { type: 'deployment', id: 'a', name: 'A' }, value: null }]);
    expect(cooldownFirings(rule({ kind: 'deployment.cooldown', target: 'b' }), deployments)).toEqual([]);
  });

  it('error rate: at or above the threshold, and never under minRequests', () => {
    const totals = [
      { id: 'few', name: 'few', total: 9, failed: 9 },
      { id: 'half', name: 'half', total: 10, failed: 5 },
      { id: 'low', name: 'low', total: 100, failed: 49 },
    ];
    expect(errorRateFirings(rule({}), totals)).toEqual([
      { subject: { type: 'deployment', id: 'half', name: 'half' }, value: 0.5, requests: 10 },
    ]);
    expect(errorRateFirings(rule({ minRequests: 1 }), totals).map((f) => f.subject.id)).toEqual([
      'few',
      'half',
    ]);
    expect(
      errorRateFirings(rule({ kind: 'group.error_rate', target: 'low', threshold: 0.4 }), totals),
    ).toEqual([{ subject: { type: 'model_group', id: 'low', name: 'low' }, value: 0.49, requests: 100 }]);
    expect(errorRateFirings(rule({ threshold: null }), totals)).toEqual([]);
  });

  it('key.budget: percent of the budget spent in the period', () => {
    const keys = [
      { id: 'k1', name: 'eighty', maxBudgetUsd: 10, spentUsd: 8 },
      { id: 'k2', name: 'under', maxBudgetUsd: 10, spentUsd: 7.99 },
      { id: 'k3', name: 'zero budget', maxBudgetUsd: 0, spentUsd: 5 },
    ];
    expect(budgetFirings(rule({ kind: 'key.budget', threshold: 80 }), keys)).toEqual([
      { subject: { type: 'key', id: 'k1', name: 'eighty' }, value: 80 },
    ]);
    expect(budgetFirings(rule({ kind: 'key.budget', threshold: 100 }), keys)).toEqual([]);
  });

  it('reconcile: sends when a subject starts and when it stops, nothing while it stays', () => {
    const firing = (id: string) => ({ subject: { type: 'deployment' as const, id, name: id }, value: null });
    expect(reconcile([], [firing('a')])).toEqual({ started: [firing('a')], stopped: [] });
    expect(reconcile(['a'], [firing('a')])).toEqual({ started: [], stopped: [] });
    expect(reconcile(['a', 'b'], [firing('b'), firing('c')])).toEqual({
      started: [firing('c')],
      stopped: ['a'],
    });
  });
});
