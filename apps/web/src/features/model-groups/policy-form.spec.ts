import type { Deployment, ModelGroup } from '@switchboard/contracts';
import {
  buildPolicyPatch,
  changedNumber,
  checkDeploymentNumber,
  draftNumber,
  policyValuesOf,
} from './policy-form';

const group: ModelGroup = {
  id: 'g',
  name: 'gpt-4.1',
  strategy: 'weighted-shuffle',
  numRetries: 2,
  fallbacks: ['gpt-4.1-mini'],
  allowedFails: 3,
  cooldownSeconds: 60,
  maxCooldownSeconds: 300,
  timeoutMs: null,
  streamIdleTimeoutMs: null,
  deploymentCount: 0,
  expectedSplit: [],
  createdAt: '2026-12-05T00:00:00.000Z',
  updatedAt: '2026-12-05T00:00:00.000Z',
};

describe('the routing policy form', () => {
  it('sends nothing when nothing changed', () => {
    expect(buildPolicyPatch(policyValuesOf(group), group)).toEqual({ ok: true, patch: null });
  });

  it('sends only the fields that changed, numbers as numbers and an emptied optional as null', () => {
    const values = { ...policyValuesOf(group), numRetries: ' 4 ', timeoutMs: '30000', fallbacks: [] };
    expect(buildPolicyPatch(values, group)).toEqual({
      ok: true,
      patch: { numRetries: 4, timeoutMs: 30000, fallbacks: [] },
    });
    const cleared = { ...policyValuesOf({ ...group, timeoutMs: 5000 }), timeoutMs: '' };
    expect(buildPolicyPatch(cleared, { ...group, timeoutMs: 5000 })).toEqual({
      ok: true,
      patch: { timeoutMs: null },
    });
  });

  it('refuses an emptied required number and junk, naming the field', () => {
    const result = buildPolicyPatch(
      { ...policyValuesOf(group), cooldownSeconds: '', numRetries: 'x' },
      group,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors.fields).sort()).toEqual(['cooldownSeconds', 'numRetries']);
  });
});

describe('weight and priority edits', () => {
  const d = { id: 'd1', weight: 2, priority: 0 } as Deployment;

  it('use the draft while there is one', () => {
    expect(draftNumber({}, 'd1', 2)).toBe(2);
    expect(draftNumber({ d1: '5' }, 'd1', 2)).toBe(5);
    expect(draftNumber({ d1: '' }, 'd1', 2)).toBeNull();
    expect(changedNumber({ d1: '2' }, d, 'weight')).toBe(false);
    expect(changedNumber({ d1: '3' }, d, 'weight')).toBe(true);
  });

  it('are checked with the shared contract: an empty weight is allowed, an empty priority is not', () => {
    expect(checkDeploymentNumber('weight', null)).toBeNull();
    expect(checkDeploymentNumber('weight', -1)).toMatch(/0 or more/);
    expect(checkDeploymentNumber('priority', null)).not.toBeNull();
    expect(checkDeploymentNumber('priority', 1001)).not.toBeNull();
    expect(checkDeploymentNumber('priority', 3)).toBeNull();
  });
});
