import { RouterRegistry, RouterSnapshotError, shuffleWeights } from './router-registry';
import type { RoutingStrategy } from './routing.types';
import { deployment, group } from './testing/routing-fixtures';

describe('RouterRegistry', () => {
  it('indexes enabled deployments per group, sorted by id, and keeps disabled ones visible by id', () => {
    const registry = new RouterRegistry({
      groups: [group('gpt-4.1'), group('empty')],
      deployments: [deployment('c'), deployment('a'), deployment('off', { enabled: false }), deployment('b')],
    });
    expect(registry.version).toBe(0);
    expect(registry.getGroup('gpt-4.1')?.deployments.map((d) => d.id)).toEqual(['a', 'b', 'c']);
    expect(registry.getGroup('empty')?.deployments).toEqual([]);
    expect(registry.listGroups().map((g) => g.policy.name)).toEqual(['gpt-4.1', 'empty']);
    expect(registry.getDeployment('off')?.enabled).toBe(false);
    expect(registry.getGroup('nope')).toBeUndefined();
  });

  it('swaps generations atomically: holders of the old index keep it unchanged', () => {
    const registry = new RouterRegistry({
      groups: [group('g')],
      deployments: [deployment('a', { modelGroup: 'g' })],
    });
    const before = registry.current();
    registry.replace({ groups: [group('g')], deployments: [deployment('b', { modelGroup: 'g' })] });
    expect(registry.version).toBe(1);
    expect(before.groups.get('g')?.deployments.map((d) => d.id)).toEqual(['a']);
    expect(registry.getGroup('g')?.deployments.map((d) => d.id)).toEqual(['b']);
  });

  it('tells listeners which deployment ids disappeared', () => {
    const registry = new RouterRegistry({
      groups: [group('g')],
      deployments: [deployment('a'), deployment('b')],
    });
    const removed: string[][] = [];
    const stop = registry.onReplace((_next, ids) => removed.push([...ids]));
    registry.replace({ groups: [group('g')], deployments: [deployment('b'), deployment('c')] });
    stop();
    registry.replace({ groups: [], deployments: [] });
    expect(removed).toEqual([['a']]);
  });

  it('rejects an inconsistent snapshot and keeps serving the current one', () => {
    const registry = new RouterRegistry({ groups: [group('g')], deployments: [deployment('a')] });
    expect(() =>
      registry.replace({ groups: [group('g')], deployments: [deployment('a'), deployment('a')] }),
    ).toThrow(RouterSnapshotError);
    expect(() => registry.replace({ groups: [group('g'), group('g')], deployments: [] })).toThrow(
      "Duplicate model group 'g'",
    );
    const bogus = group('g', { strategy: 'fastest' as RoutingStrategy });
    expect(() => registry.replace({ groups: [bogus], deployments: [] })).toThrow(
      "unknown strategy 'fastest'",
    );
    expect(registry.version).toBe(0);
    expect(registry.getDeployment('a')).toBeDefined();
  });

  it('normalises policies: aliases, negative counts, self-fallbacks', () => {
    const registry = new RouterRegistry({
      groups: [
        group('g', {
          strategy: 'simple-shuffle' as RoutingStrategy,
          numRetries: -2,
          allowedFails: -1,
          fallbacks: ['g', 'other'],
        }),
      ],
      deployments: [],
    });
    expect(registry.getGroup('g')?.policy).toMatchObject({
      strategy: 'weighted-shuffle',
      numRetries: 0,
      allowedFails: 0,
      fallbacks: ['other'],
    });
  });

  it('copies and freezes what it indexes', () => {
    const d = deployment('a', { tags: ['eu'] });
    const registry = new RouterRegistry({ groups: [group('gpt-4.1')], deployments: [d] });
    d.name = 'renamed';
    d.tags.push('us');
    const indexed = registry.getDeployment('a');
    expect(indexed).toMatchObject({ name: 'a', tags: ['eu'] });
    expect(Object.isFrozen(indexed)).toBe(true);
  });
});

describe('shuffleWeights', () => {
  const weights = (...ds: ReturnType<typeof deployment>[]) => [...shuffleWeights(ds).values()];

  it('uses explicit weights, counting a missing one as 1 and a negative one as 0', () => {
    expect(weights(deployment('a', { weight: 5 }), deployment('b'), deployment('c', { weight: -1 }))).toEqual(
      [5, 1, 0],
    );
  });

  it('falls back to rpm, then tpm limits only when every deployment has one, else uniform', () => {
    const rpm = weights(
      deployment('a', { rpmLimit: 100, tpmLimit: 1 }),
      deployment('b', { rpmLimit: 300, tpmLimit: 9 }),
    );
    expect(rpm).toEqual([100, 300]);
    expect(
      weights(deployment('a', { rpmLimit: 100, tpmLimit: 1_000 }), deployment('b', { tpmLimit: 4_000 })),
    ).toEqual([1_000, 4_000]);
    expect(weights(deployment('a', { rpmLimit: 100 }), deployment('b'))).toEqual([1, 1]);
  });
});
