import { countPicks, deployment, group, harness } from '../testing/routing-fixtures';
import type { RoutingStrategy } from '../routing.types';

const G = 'gpt-4.1';
const policy = (strategy: RoutingStrategy) => [group(G, { strategy })];
const cool = (h: ReturnType<typeof harness>, id: string) =>
  h.state.recordFailure(id, fail429(), h.clock.now(), { allowedFails: 1, cooldownSeconds: 60 });
const fail429 = () => ({
  kind: 'rate_limit',
  status: 429,
  retryable: true,
  cooldown: true,
  retryAfterMs: null,
  message: 'slow down',
});

describe('weighted-shuffle', () => {
  it('splits 600 picks evenly at 1:1:1', () => {
    const h = harness({
      groups: policy('weighted-shuffle'),
      deployments: ['a', 'b', 'c'].map((id) => deployment(id, { weight: 1 })),
    });
    const counts = countPicks(h.router, G, 600);
    for (const id of ['a', 'b', 'c']) {
      expect(counts[id]).toBeGreaterThanOrEqual(150);
      expect(counts[id]).toBeLessThanOrEqual(250);
    }
  });

  it('follows 5:3:2 weights', () => {
    const h = harness({
      groups: policy('weighted-shuffle'),
      deployments: [
        deployment('a', { weight: 5 }),
        deployment('b', { weight: 3 }),
        deployment('c', { weight: 2 }),
      ],
    });
    const counts = countPicks(h.router, G, 600);
    expect(Math.abs(counts.a - 300)).toBeLessThanOrEqual(45);
    expect(Math.abs(counts.b - 180)).toBeLessThanOrEqual(40);
    expect(Math.abs(counts.c - 120)).toBeLessThanOrEqual(35);
  });

  it('splits in proportion to rpm limits when no deployment has a weight', () => {
    const h = harness({
      groups: policy('weighted-shuffle'),
      deployments: [deployment('a', { rpmLimit: 1000 }), deployment('b', { rpmLimit: 3000 })],
    });
    const counts = countPicks(h.router, G, 600);
    expect(Math.abs(counts.a - 150)).toBeLessThanOrEqual(40);
    expect(Math.abs(counts.b - 450)).toBeLessThanOrEqual(40);
  });

  it('treats weight 0 as a standby used only when nothing weighted is available', () => {
    const h = harness({
      groups: policy('weighted-shuffle'),
      deployments: [deployment('main', { weight: 1 }), deployment('standby', { weight: 0 })],
    });
    expect(countPicks(h.router, G, 100)).toEqual({ main: 100 });
    cool(h, 'main');
    expect(countPicks(h.router, G, 10)).toEqual({ standby: 10 });
  });

  it('skips excluded, cooling and over-limit deployments, and returns null when none is left', () => {
    const h = harness({
      groups: policy('weighted-shuffle'),
      deployments: [deployment('a'), deployment('b', { rpmLimit: 1 }), deployment('c', { tpmLimit: 1000 })],
    });
    cool(h, 'a');
    h.counters.hit('b', h.clock.now());
    h.counters.addTokens('c', 900, h.clock.now());
    expect(h.router.pick(G, { estimatedTokens: 50 })?.id).toBe('c');
    expect(h.router.pick(G, { estimatedTokens: 200 })).toBeNull(); // 900 + 200 > 1000
    expect(h.router.pick(G, { estimatedTokens: 50, exclude: ['c'] })).toBeNull();
  });
});

describe('round-robin', () => {
  it('cycles in id order and skips unavailable deployments', () => {
    const h = harness({
      groups: policy('round-robin'),
      deployments: [deployment('c'), deployment('a'), deployment('b')],
    });
    const next = () => h.router.pick(G, { estimatedTokens: 0 })?.id;
    expect([next(), next(), next(), next()]).toEqual(['a', 'b', 'c', 'a']);
    cool(h, 'c');
    expect([next(), next(), next()]).toEqual(['b', 'a', 'b']);
  });

  it('keeps its place across a registry swap that adds a deployment', () => {
    const h = harness({ groups: policy('round-robin'), deployments: [deployment('a'), deployment('c')] });
    const next = () => h.router.pick(G, { estimatedTokens: 0 })?.id;
    expect(next()).toBe('a');
    h.registry.replace({
      groups: policy('round-robin'),
      deployments: [deployment('a'), deployment('b'), deployment('c')],
    });
    expect([next(), next(), next()]).toEqual(['b', 'c', 'a']);
  });
});

describe('least-busy', () => {
  it('picks the deployment with the fewest requests in flight, ties at random', () => {
    const h = harness({
      groups: policy('least-busy'),
      deployments: [deployment('a'), deployment('b'), deployment('c')],
    });
    h.state.acquire('a');
    h.state.acquire('a');
    h.state.acquire('c');
    expect(countPicks(h.router, G, 20)).toEqual({ b: 20 });
    h.state.acquire('b');
    const tied = countPicks(h.router, G, 100); // b and c both have 1
    expect(Object.keys(tied).sort()).toEqual(['b', 'c']);
    expect(tied.b).toBeGreaterThan(30);
  });
});

describe('lowest-latency', () => {
  it('tries unmeasured deployments first, then prefers the fastest', () => {
    const h = harness({
      groups: policy('lowest-latency'),
      deployments: [deployment('fast'), deployment('slow'), deployment('new')],
    });
    const now = h.clock.now();
    h.state.recordSuccess('fast', { latencyMs: 100 }, now);
    h.state.recordSuccess('slow', { latencyMs: 900 }, now);
    expect(h.router.pick(G, { estimatedTokens: 0 })?.id).toBe('new');
    h.state.recordSuccess('new', { latencyMs: 400 }, now);
    expect(countPicks(h.router, G, 20)).toEqual({ fast: 20 });
  });

  it('measures a deployment that lost again once its sample is a minute old, and lets it win when faster', () => {
    const h = harness({ groups: policy('lowest-latency'), deployments: [deployment('a'), deployment('b')] });
    const t0 = h.clock.now();
    h.state.recordSuccess('a', { latencyMs: 900 }, t0);
    h.state.recordSuccess('b', { latencyMs: 100 }, t0);
    expect(countPicks(h.router, G, 20)).toEqual({ b: 20 });

    // b keeps serving (fresh samples); a's one sample goes stale and a gets one request to measure it.
    h.clock.advance(60_000);
    h.state.recordSuccess('b', { latencyMs: 100 }, h.clock.now());
    expect(h.router.pick(G, { estimatedTokens: 0 })?.id).toBe('a');
    // a is fast now: the new sample replaces the stale average rather than being blended into 900 ms.
    h.state.recordSuccess('a', { latencyMs: 40 }, h.clock.now());
    expect(countPicks(h.router, G, 20)).toEqual({ a: 20 });
  });

  it('ranks streams by time to first token', () => {
    const h = harness({ groups: policy('lowest-latency'), deployments: [deployment('a'), deployment('b')] });
    const now = h.clock.now();
    h.state.recordSuccess('a', { latencyMs: 300, ttftMs: 250 }, now);
    h.state.recordSuccess('b', { latencyMs: 2000, ttftMs: 80 }, now);
    expect(h.router.pick(G, { estimatedTokens: 0 })?.id).toBe('a');
    expect(h.router.pick(G, { estimatedTokens: 0, stream: true })?.id).toBe('b');
  });
});

describe('usage-based', () => {
  it('prefers the most remaining headroom this minute', () => {
    const h = harness({
      groups: policy('usage-based'),
      deployments: [deployment('a', { rpmLimit: 10 }), deployment('b', { rpmLimit: 100, tpmLimit: 10_000 })],
    });
    const now = h.clock.now();
    for (let i = 0; i < 5; i++) h.counters.hit('a', now); // a: 50% left
    for (let i = 0; i < 20; i++) h.counters.hit('b', now); // b: 80% of rpm left...
    expect(h.router.pick(G, { estimatedTokens: 0 })?.id).toBe('b');
    h.counters.addTokens('b', 7_000, now); // ...but only 30% of tpm
    expect(h.router.pick(G, { estimatedTokens: 0 })?.id).toBe('a');
  });

  it("takes the upstream's fresh x-ratelimit-remaining headers into account", () => {
    const h = harness({
      groups: policy('usage-based'),
      deployments: [deployment('a', { rpmLimit: 100 }), deployment('b', { rpmLimit: 100 })],
    });
    const now = h.clock.now();
    h.counters.hit('a', now); // a: 99% by our count
    const rateLimit = {
      remainingRequests: 10,
      remainingTokens: null,
      resetRequestsMs: 5_000,
      resetTokensMs: null,
      limitRequests: 100,
    };
    h.state.recordSuccess('b', { latencyMs: 100, rateLimit }, now); // b: 10% by the upstream's count
    expect(h.router.pick(G, { estimatedTokens: 0 })?.id).toBe('a');
    h.clock.advance(5_000); // the headers are stale once their reset passed
    expect(h.router.pick(G, { estimatedTokens: 0 })?.id).toBe('b');
  });

  it('takes a deployment whose upstream reports nothing left out of rotation until the reset', () => {
    const h = harness({ groups: policy('usage-based'), deployments: [deployment('a'), deployment('b')] });
    const rateLimit = {
      remainingRequests: 1,
      remainingTokens: null,
      resetRequestsMs: 2_000,
      resetTokensMs: null,
    };
    h.state.recordSuccess('a', { latencyMs: 100, rateLimit }, h.clock.now());
    h.state.acquire('a'); // the one request it had left
    expect(countPicks(h.router, G, 10)).toEqual({ b: 10 });
    h.clock.advance(2_000);
    expect(h.router.pick(G, { estimatedTokens: 0, exclude: ['b'] })?.id).toBe('a');
  });

  it('ranks deployments without limits first, by fewest requests this minute', () => {
    const h = harness({
      groups: policy('usage-based'),
      deployments: [deployment('limited', { rpmLimit: 1000 }), deployment('u1'), deployment('u2')],
    });
    const now = h.clock.now();
    h.counters.hit('u1', now);
    expect(h.router.pick(G, { estimatedTokens: 0 })?.id).toBe('u2');
    h.counters.hit('u2', now);
    h.counters.hit('u2', now);
    expect(h.router.pick(G, { estimatedTokens: 0 })?.id).toBe('u1');
  });
});

describe('priority', () => {
  it('uses the best tier and spills over only when all of it is unavailable', () => {
    const h = harness({
      groups: policy('priority'),
      deployments: [
        deployment('p0-a', { priority: 0, weight: 3 }),
        deployment('p0-b', { priority: 0, weight: 1 }),
        deployment('p1', { priority: 1 }),
        deployment('p2', { priority: 2 }),
      ],
    });
    const counts = countPicks(h.router, G, 400);
    expect(Object.keys(counts).sort()).toEqual(['p0-a', 'p0-b']);
    expect(Math.abs(counts['p0-a'] - 300)).toBeLessThanOrEqual(40);
    cool(h, 'p0-a');
    cool(h, 'p0-b');
    expect(countPicks(h.router, G, 10)).toEqual({ p1: 10 });
    h.clock.advance(60_000);
    expect(Object.keys(countPicks(h.router, G, 50)).sort()).toEqual(['p0-a', 'p0-b']);
  });
});
