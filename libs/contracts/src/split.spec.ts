import { expectedSplit, type SplitMember, shuffleWeights } from './split';

const member = (id: string, m: Partial<SplitMember> = {}): SplitMember => ({
  id,
  weight: null,
  priority: 0,
  rpmLimit: null,
  tpmLimit: null,
  latencyMs: null,
  ...m,
});
const shares = (out: { deploymentId: string; share: number }[]) => out.map((s) => [s.deploymentId, s.share]);

describe('expectedSplit (the router and the console preview share it)', () => {
  it('weighted-shuffle follows weights, else rpm limits, else tpm limits, else splits equally', () => {
    expect(shares(expectedSplit('weighted-shuffle', [member('a', { weight: 3 }), member('b')]))).toEqual([
      ['a', 0.75],
      ['b', 0.25],
    ]);
    const byRpm = [member('a', { rpmLimit: 100 }), member('b', { rpmLimit: 300 })];
    expect(shares(expectedSplit('weighted-shuffle', byRpm))).toEqual([
      ['a', 0.25],
      ['b', 0.75],
    ]);
    // One deployment without a limit: limits cannot be compared, so equal.
    expect(shares(expectedSplit('weighted-shuffle', [member('a', { rpmLimit: 100 }), member('b')]))).toEqual([
      ['a', 0.5],
      ['b', 0.5],
    ]);
    // Only standbys (weight 0): equal among them.
    expect(
      shares(expectedSplit('weighted-shuffle', [member('a', { weight: 0 }), member('b', { weight: 0 })])),
    ).toEqual([
      ['a', 0.5],
      ['b', 0.5],
    ]);
  });

  it('priority gives the top tier everything, weighted within it', () => {
    const out = expectedSplit('priority', [
      member('a', { priority: 1 }),
      member('b', { priority: 0, weight: 1 }),
      member('c', { priority: 0, weight: 3 }),
    ]);
    expect(shares(out)).toEqual([
      ['a', 0],
      ['b', 0.25],
      ['c', 0.75],
    ]);
  });

  it('lowest-latency gives the fastest measured everything (ties split), equal while none is measured', () => {
    const measured = [
      member('a', { latencyMs: 80 }),
      member('b', { latencyMs: 40 }),
      member('c', { latencyMs: 40 }),
    ];
    expect(shares(expectedSplit('lowest-latency', measured))).toEqual([
      ['a', 0],
      ['b', 0.5],
      ['c', 0.5],
    ]);
    expect(shares(expectedSplit('lowest-latency', [member('a'), member('b')]))).toEqual([
      ['a', 0.5],
      ['b', 0.5],
    ]);
  });

  it('usage-based: unlimited deployments take everything, else by capacity', () => {
    expect(shares(expectedSplit('usage-based', [member('a', { rpmLimit: 10 }), member('b')]))).toEqual([
      ['a', 0],
      ['b', 1],
    ]);
    expect(
      shares(
        expectedSplit('usage-based', [member('a', { tpmLimit: 1000 }), member('b', { tpmLimit: 3000 })]),
      ),
    ).toEqual([
      ['a', 0.25],
      ['b', 0.75],
    ]);
  });

  it('round-robin and least-busy split equally; no members, no shares', () => {
    for (const strategy of ['round-robin', 'least-busy'] as const)
      expect(shares(expectedSplit(strategy, [member('a', { weight: 9 }), member('b')]))).toEqual([
        ['a', 0.5],
        ['b', 0.5],
      ]);
    expect(expectedSplit('priority', [])).toEqual([]);
  });

  it('resolves weights the way the registry does (negative and non-finite weights count as 0)', () => {
    const w = shuffleWeights([member('a', { weight: -2 }), member('b', { weight: Number.NaN }), member('c')]);
    expect([...w]).toEqual([
      ['a', 0],
      ['b', 0],
      ['c', 1],
    ]);
  });
});
