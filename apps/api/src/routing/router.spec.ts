import { type HttpFailure, httpFailure } from './failure-http';
import { Router } from './router';
import { RouterRegistry } from './router-registry';
import type { AttemptContext, AttemptResult, ExecuteOutcome, RoutedDeployment } from './routing.types';
import { InMemoryUsageCounters } from './usage-counters';
import { T0 } from '../common/testing/fake-clock';
import { deferred, deployment, fail, group, harness, ok } from './testing/routing-fixtures';

const G = 'gpt-4.1';
const FB = 'gpt-4o';
const iso = (ms: number) => new Date(ms).toISOString();

/** Attempt function that answers from a script, in call order, and records who was called with what. */
function scripted<T>(...results: AttemptResult<T>[]) {
  const calls: { id: string; ctx: AttemptContext }[] = [];
  const fn = async (d: RoutedDeployment, ctx: AttemptContext): Promise<AttemptResult<T>> => {
    calls.push({ id: d.id, ctx });
    const next = results[calls.length - 1];
    if (!next) throw new Error(`unexpected attempt ${calls.length} on ${d.id}`);
    return next;
  };
  return { fn, calls, ids: () => calls.map((c) => c.id) };
}

/** The failure with the HTTP answer the gateway makes of it. */
function failed<T>(out: ExecuteOutcome<T>): Extract<ExecuteOutcome<T>, { ok: false }> & HttpFailure {
  if (out.ok) throw new Error(`expected a failure, got a success on ${out.deployment.id}`);
  return { ...out, ...httpFailure(out) };
}

describe('Router.execute', () => {
  it('answers 404 model_not_found for an unknown model group', async () => {
    const h = harness({ groups: [group(G)], deployments: [deployment('a')] });
    const out = failed(await h.router.execute('nope', { estimatedTokens: 0 }, scripted<string>().fn));
    expect(out).toMatchObject({
      status: 404,
      type: 'invalid_request_error',
      code: 'model_not_found',
      attempts: [],
    });
    expect(out.message).toBe("The model 'nope' does not exist");
  });

  it('tracks in-flight, rpm, tpm, latency and TTFT around a successful attempt', async () => {
    const h = harness({ groups: [group(G)], deployments: [deployment('a')] });
    let inFlightDuring = -1;
    const out = await h.router.execute(G, { estimatedTokens: 50 }, async (d, ctx) => {
      inFlightDuring = h.router.deploymentState(d.id)?.inFlight ?? -1;
      expect(ctx).toEqual({
        attempt: 1,
        modelGroup: G,
        isFallback: false,
        estimatedTokens: 50,
        signal: undefined,
      });
      h.clock.advance(120);
      return ok('hi', { latencyMs: 120, ttftMs: 40, tokens: 75 });
    });
    expect(inFlightDuring).toBe(1);
    expect(out).toEqual({
      ok: true,
      value: 'hi',
      deployment: expect.objectContaining({ id: 'a' }),
      attempts: [
        {
          deploymentId: 'a',
          deploymentName: 'a',
          modelGroup: G,
          status: 200,
          errorKind: null,
          latencyMs: 120,
          startedAt: T0,
        },
      ],
    });
    expect(h.router.deploymentState('a')).toEqual({
      healthy: true,
      cooldownUntil: null,
      cooldownReason: null,
      lastError: null,
      lastErrorAt: null,
      lastSuccessAt: T0 + 120,
      inFlight: 0,
      rpmUsed: 1,
      tpmUsed: 75,
      latencyMs: 120,
      ttftMs: 40,
      lastProbe: null,
    });
  });

  it('retries on a different deployment each time', async () => {
    const h = harness({
      groups: [group(G, { numRetries: 2 })],
      deployments: [deployment('a'), deployment('b'), deployment('c')],
    });
    const s = scripted(fail(503), fail(500), ok('third time'));
    const out = await h.router.execute(G, { estimatedTokens: 0 }, s.fn);
    expect(out.ok).toBe(true);
    expect(new Set(s.ids()).size).toBe(3);
    expect(s.calls.map((c) => c.ctx.attempt)).toEqual([1, 2, 3]);
    expect(out.attempts.map((a) => a.status)).toEqual([503, 500, 200]);
  });

  it('reuses a deployment only when no untried one is available', async () => {
    const h = harness({ groups: [group(G, { numRetries: 2 })], deployments: [deployment('only')] });
    const s = scripted(fail(500), fail(500), ok('finally'));
    expect((await h.router.execute(G, { estimatedTokens: 0 }, s.fn)).ok).toBe(true);
    expect(s.ids()).toEqual(['only', 'only', 'only']);
  });

  it('stops after 1 + numRetries attempts and explains why', async () => {
    const h = harness({
      groups: [group(G, { numRetries: 1, allowedFails: 5 })],
      deployments: [deployment('a')],
    });
    const s = scripted(fail(500), fail(503, { message: 'overloaded' }));
    const out = failed(await h.router.execute(G, { estimatedTokens: 0 }, s.fn));
    expect(s.ids()).toEqual(['a', 'a']);
    expect(out).toMatchObject({ status: 503, type: 'api_error', code: 'upstream_error' });
    expect(out.message).toBe(
      "The only deployment of 'gpt-4.1' failed or is unavailable: 'a' failed with 503 server: overloaded.",
    );
    expect(out.lastError?.message).toBe('overloaded');
  });

  it('never retries once bytes reached the client, but still records the failure', async () => {
    const h = harness({
      groups: [group(G, { numRetries: 3 })],
      deployments: [deployment('a'), deployment('b')],
    });
    const s = scripted<string>(fail(500, { committed: true, message: 'stream cut' }));
    const out = failed(await h.router.execute(G, { estimatedTokens: 0 }, s.fn));
    expect(s.calls).toHaveLength(1);
    expect(out).toMatchObject({ status: 502, code: 'upstream_error' });
    expect(out.message).toContain('after the response had started (not retried)');
    expect(h.router.deploymentState(s.ids()[0])?.lastError).toBe('500 server: stream cut');
  });

  it('passes a non-retryable 4xx through without retrying or blaming the deployment', async () => {
    const h = harness({
      groups: [group(G, { numRetries: 3 })],
      deployments: [deployment('a'), deployment('b')],
    });
    const s = scripted<string>(fail(400, { kind: 'context_window', message: 'prompt too long' }));
    const out = failed(await h.router.execute(G, { estimatedTokens: 0 }, s.fn));
    expect(s.calls).toHaveLength(1);
    expect(out).toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      code: 'context_window',
      message: 'prompt too long',
    });
    expect(h.router.deploymentState(s.ids()[0])).toMatchObject({ healthy: true, lastError: null });
  });

  it('cools down a deployment whose key is rejected and moves on to the next one', async () => {
    const h = harness({
      groups: [group(G, { strategy: 'round-robin', cooldownSeconds: 60 })],
      deployments: [deployment('a', { name: 'azure-east' }), deployment('b')],
    });
    const s = scripted(fail(401, { message: 'invalid api key' }), ok('fine'));
    const out = await h.router.execute(G, { estimatedTokens: 0 }, s.fn);
    expect(out.ok).toBe(true);
    expect(s.ids()).toEqual(['a', 'b']);
    expect(h.router.deploymentState('a')).toMatchObject({
      healthy: false,
      cooldownReason: 'auth',
      cooldownUntil: T0 + 60_000,
      lastError: '401 auth: invalid api key',
    });
  });

  it('moves on from a deployment whose upstream does not know its model, and answers 502 if none is left', async () => {
    const h = harness({
      groups: [group(G, { strategy: 'round-robin', numRetries: 1 })],
      deployments: [deployment('a'), deployment('b')],
    });
    const s = scripted<string>(fail(404, { message: 'model gpt-41 not found' }), fail(404));
    const out = failed(await h.router.execute(G, { estimatedTokens: 0 }, s.fn));
    expect(s.ids()).toEqual(['a', 'b']);
    expect(out).toMatchObject({ status: 502, type: 'api_error', code: 'upstream_error' });
    expect(out.message).toContain(
      "'a' failed with 404 not_found: model gpt-41 not found, cooling down until",
    );
    expect(h.router.deploymentState('a')).toMatchObject({ healthy: false, cooldownReason: 'failures' });
  });

  it('answers 502 upstream_auth_error naming the deployment when no other deployment is left', async () => {
    const h = harness({ groups: [group(G)], deployments: [deployment('a', { name: 'azure-east' })] });
    const out = failed(await h.router.execute(G, { estimatedTokens: 0 }, scripted<string>(fail(401)).fn));
    expect(out).toMatchObject({ status: 502, type: 'api_error', code: 'upstream_auth_error' });
    expect(out.message).toContain(
      `The upstream rejected the gateway's credentials (401) for deployment 'azure-east' of 'gpt-4.1' ` +
        `(cooling down until ${iso(T0 + 60_000)}); an operator must fix its API key`,
    );
  });

  it('cools a 429 down for its Retry-After, then takes it back once the clock passes it', async () => {
    const h = harness({
      groups: [group(G, { strategy: 'round-robin' })],
      deployments: [deployment('a'), deployment('b')],
    });
    const s = scripted(fail(429, { retryAfterMs: 30_000, message: 'slow down' }), ok('from b'));
    expect((await h.router.execute(G, { estimatedTokens: 0 }, s.fn)).ok).toBe(true);
    expect(s.ids()).toEqual(['a', 'b']);
    expect(h.router.deploymentState('a')).toMatchObject({
      healthy: false,
      cooldownReason: 'rate_limited',
      cooldownUntil: T0 + 30_000,
    });
    expect(h.router.pick(G, { estimatedTokens: 0, exclude: ['b'] })).toBeNull();

    h.clock.advance(29_999);
    expect(h.router.pick(G, { estimatedTokens: 0, exclude: ['b'] })).toBeNull();
    h.clock.advance(1);
    expect(h.router.pick(G, { estimatedTokens: 0, exclude: ['b'] })?.id).toBe('a');
    expect(h.router.deploymentState('a')).toMatchObject({
      healthy: true,
      cooldownUntil: null,
      lastError: '429 rate_limit: slow down',
    });
  });

  it('cools a 429 without Retry-After down for the group cooldownSeconds', async () => {
    const h = harness({
      groups: [group(G, { cooldownSeconds: 45 })],
      deployments: [deployment('a'), deployment('b')],
    });
    const s = scripted(fail(429), ok('ok'));
    await h.router.execute(G, { estimatedTokens: 0 }, s.fn);
    expect(h.router.deploymentState(s.ids()[0])?.cooldownUntil).toBe(T0 + 45_000);
  });

  it('tolerates allowedFails failures within a minute and cools down at the next, not when they are spread out', async () => {
    const policy = group(G, { numRetries: 0, allowedFails: 1, cooldownSeconds: 30 });
    const h = harness({ groups: [policy], deployments: [deployment('a')] });
    await h.router.execute(G, { estimatedTokens: 0 }, scripted<string>(fail(500)).fn);
    expect(h.router.deploymentState('a')?.healthy).toBe(true);
    h.clock.advance(59_000);
    await h.router.execute(G, { estimatedTokens: 0 }, scripted<string>(fail(500)).fn);
    expect(h.router.deploymentState('a')).toMatchObject({
      healthy: false,
      cooldownReason: 'failures',
      cooldownUntil: T0 + 59_000 + 30_000,
    });

    const spread = harness({ groups: [policy], deployments: [deployment('a')] });
    await spread.router.execute(G, { estimatedTokens: 0 }, scripted<string>(fail(500)).fn);
    spread.clock.advance(60_000);
    await spread.router.execute(G, { estimatedTokens: 0 }, scripted<string>(fail(500)).fn);
    expect(spread.router.deploymentState('a')?.healthy).toBe(true);
  });

  it('answers 503 with the reason when every deployment is cooling down after failures', async () => {
    const h = harness({ groups: [group(G, { allowedFails: 0 })], deployments: [deployment('a')] });
    await h.router.execute(G, { estimatedTokens: 0 }, scripted<string>(fail(500, { message: 'boom' })).fn);
    h.clock.advance(1_000);
    const s = scripted<string>();
    const out = failed(await h.router.execute(G, { estimatedTokens: 0 }, s.fn));
    expect(s.calls).toHaveLength(0);
    expect(out).toMatchObject({ status: 503, code: 'no_available_deployment', retryAfterMs: 59_000 });
    expect(out.message).toBe(
      "The only deployment of 'gpt-4.1' failed or is unavailable: 'a' cooling down until " +
        `${iso(T0 + 60_000)} (upstream failures; last error 500 server: boom).`,
    );
  });

  describe('fallbacks', () => {
    it('moves to the fallback group with its own retries once every deployment failed', async () => {
      const h = harness({
        groups: [group(G, { numRetries: 1, fallbacks: [FB] }), group(FB, { numRetries: 1 })],
        deployments: [deployment('a'), deployment('b'), deployment('x', { modelGroup: FB })],
      });
      const s = scripted(fail(500), fail(500), fail(503), ok('from the fallback'));
      const out = await h.router.execute(G, { estimatedTokens: 7 }, s.fn);
      expect(out).toMatchObject({ ok: true, value: 'from the fallback', deployment: { id: 'x' } });
      expect(
        s.calls.map((c) => [c.id.length === 1 ? c.ctx.modelGroup : '', c.ctx.attempt, c.ctx.isFallback]),
      ).toEqual([
        [G, 1, false],
        [G, 2, false],
        [FB, 3, true],
        [FB, 4, true],
      ]);
      expect(s.ids().slice(2)).toEqual(['x', 'x']);
    });

    it('goes straight to the fallback when the group has nothing available', async () => {
      const h = harness({
        groups: [group(G, { fallbacks: [FB], allowedFails: 0 }), group(FB)],
        deployments: [deployment('a'), deployment('x', { modelGroup: FB })],
      });
      h.state.recordFailure('a', fail500Error(), T0, { allowedFails: 0, cooldownSeconds: 60 });
      const s = scripted(ok('fallback'));
      expect((await h.router.execute(G, { estimatedTokens: 0 }, s.fn)).ok).toBe(true);
      expect(s.ids()).toEqual(['x']);
    });

    it('survives fallback cycles and names every exhausted group', async () => {
      const h = harness({
        groups: [
          group(G, { numRetries: 0, fallbacks: [FB] }),
          group(FB, { numRetries: 0, fallbacks: [G, FB, 'gpt-3'] }),
        ],
        deployments: [deployment('a'), deployment('x', { modelGroup: FB })],
      });
      const s = scripted<string>(fail(500, { message: 'down' }), fail(502, { message: 'bad gateway' }));
      const out = failed(await h.router.execute(G, { estimatedTokens: 0 }, s.fn));
      expect(s.ids()).toEqual(['a', 'x']);
      expect(out).toMatchObject({ status: 502, code: 'upstream_error' });
      expect(out.message).toBe(
        "The only deployment of 'gpt-4.1' failed or is unavailable: 'a' failed with 500 server: down. " +
          "Fallback 'gpt-4o' also exhausted: 'x' failed with 502 server: bad gateway. " +
          "Fallback 'gpt-3' is not configured.",
      );
    });
  });

  describe('rate limits and Retry-After', () => {
    it('answers 429 rate_limit_exceeded until the minute frees up when every deployment is at its limit', async () => {
      const h = harness({
        groups: [group(G)],
        deployments: [deployment('a', { rpmLimit: 2 }), deployment('b', { tpmLimit: 1_000 })],
      });
      h.clock.advance(20_000);
      const now = h.clock.now();
      h.counters.hit('a', now);
      h.counters.hit('a', now);
      h.counters.addTokens('b', 900, now);
      const s = scripted<string>();
      const out = failed(await h.router.execute(G, { estimatedTokens: 200 }, s.fn));
      expect(s.calls).toHaveLength(0);
      expect(h.sleeps).toEqual([]); // 40 s is longer than the 5 s cap
      expect(out).toMatchObject({
        status: 429,
        type: 'rate_limit_error',
        code: 'rate_limit_exceeded',
        retryAfterMs: 40_000,
      });
      expect(out.message).toBe(
        "All 2 deployments of 'gpt-4.1' are at their rate limits: " +
          "'a' at its rpm limit (2/2) until 2025-01-01T12:01:00.000Z; " +
          "'b' at its tpm limit (900/1000 used, 200 more requested) until 2025-01-01T12:01:00.000Z. " +
          'Capacity frees up in 40s.',
      );
    });

    it('waits for the next minute when it is only a short sleep away', async () => {
      const h = harness({ groups: [group(G)], deployments: [deployment('a', { rpmLimit: 1 })] });
      h.clock.advance(58_000);
      h.counters.hit('a', h.clock.now());
      const out = await h.router.execute(G, { estimatedTokens: 0 }, scripted(ok('next minute')).fn);
      expect(h.sleeps).toEqual([2_000]);
      expect(out.ok && out.attempts[0].startedAt).toBe(T0 + 60_000);
    });

    it('sleeps through a short Retry-After when nothing else is left, then retries', async () => {
      const h = harness({ groups: [group(G)], deployments: [deployment('a')] });
      const s = scripted(fail(429, { retryAfterMs: 1_500 }), ok('after the wait'));
      const out = await h.router.execute(G, { estimatedTokens: 0 }, s.fn);
      expect(out.ok).toBe(true);
      expect(h.sleeps).toEqual([1_500]);
      expect(s.ids()).toEqual(['a', 'a']);
    });

    it('does not wait for a long Retry-After, nor past the deadline, nor beyond the per-request budget', async () => {
      const long = harness({ groups: [group(G)], deployments: [deployment('a')] });
      const out = failed(
        await long.router.execute(
          G,
          { estimatedTokens: 0 },
          scripted<string>(fail(429, { retryAfterMs: 10_000 })).fn,
        ),
      );
      expect(long.sleeps).toEqual([]);
      expect(out).toMatchObject({ status: 429, code: 'rate_limit_exceeded', retryAfterMs: 10_000 });

      const deadline = harness({ groups: [group(G)], deployments: [deployment('a')] });
      const s = scripted<string>(fail(429, { retryAfterMs: 1_500 }));
      await deadline.router.execute(G, { estimatedTokens: 0, deadlineAt: T0 + 1_000 }, s.fn);
      expect(deadline.sleeps).toEqual([]);

      const budget = harness({ groups: [group(G, { numRetries: 5 })], deployments: [deployment('a')] });
      const b = scripted<string>(fail(429, { retryAfterMs: 3_000 }), fail(429, { retryAfterMs: 3_000 }));
      failed(await budget.router.execute(G, { estimatedTokens: 0 }, b.fn));
      expect(budget.sleeps).toEqual([3_000]); // a second 3 s wait would exceed the 5 s total
      expect(b.calls).toHaveLength(2);
    });
  });

  describe('client abort', () => {
    it('does nothing when the client is already gone', async () => {
      const h = harness({ groups: [group(G)], deployments: [deployment('a')] });
      const controller = new AbortController();
      controller.abort();
      const s = scripted<string>();
      const out = failed(await h.router.execute(G, { estimatedTokens: 0, signal: controller.signal }, s.fn));
      expect(s.calls).toHaveLength(0);
      expect(out).toMatchObject({ status: 499, code: 'client_closed_request' });
    });

    it('stops after an attempt the client abandoned, without blaming the deployment', async () => {
      const h = harness({
        groups: [group(G, { numRetries: 3 })],
        deployments: [deployment('a'), deployment('b')],
      });
      const controller = new AbortController();
      let calls = 0;
      const out = failed(
        await h.router.execute(G, { estimatedTokens: 0, signal: controller.signal }, async () => {
          calls += 1;
          controller.abort();
          return fail(500, { kind: 'aborted' });
        }),
      );
      expect(calls).toBe(1);
      expect(out.status).toBe(499);
      expect(out.attempts.map((a) => [a.status, a.errorKind])).toEqual([[499, 'client_closed']]);
      for (const id of ['a', 'b'])
        expect(h.router.deploymentState(id)).toMatchObject({ lastError: null, inFlight: 0 });
    });
  });

  it('answers 504 once the request deadline has passed', async () => {
    const h = harness({
      groups: [group(G, { numRetries: 2 })],
      deployments: [deployment('a'), deployment('b')],
    });
    const out = failed(
      await h.router.execute(G, { estimatedTokens: 0, deadlineAt: T0 + 1_000 }, async () => {
        h.clock.advance(1_000);
        return fail(503);
      }),
    );
    expect(out).toMatchObject({ status: 504, code: 'deadline_exceeded' });
    expect(out.attempts).toHaveLength(1);
  });

  it('lets a registry swap leave an in-flight execute alone and keeps state for surviving ids', async () => {
    const h = harness({
      groups: [group(G, { strategy: 'round-robin', numRetries: 1 })],
      deployments: [deployment('a'), deployment('b')],
    });
    h.state.recordSuccess('a', { latencyMs: 250 }, T0);
    const gate = deferred<AttemptResult<string>>();
    const seen: string[] = [];
    const running = h.router.execute(G, { estimatedTokens: 0 }, (d) => {
      seen.push(d.id);
      return seen.length === 1 ? gate.promise : Promise.resolve(ok(`from ${d.id}`));
    });

    h.registry.replace({
      groups: [group(G, { strategy: 'round-robin', numRetries: 1 })],
      deployments: [deployment('a')],
    });
    expect(h.router.deploymentState('a')).toMatchObject({ inFlight: 1, rpmUsed: 1, latencyMs: 250 });
    expect(h.router.deploymentState('b')).toBeNull();

    gate.resolve(fail(503));
    const out = await running;
    // The retry still sees the generation the request started with.
    expect(seen).toEqual(['a', 'b']);
    expect(out).toMatchObject({ ok: true, value: 'from b' });
    expect(h.router.deploymentState('a')).toMatchObject({
      inFlight: 0,
      latencyMs: 250,
      lastError: '503 server: upstream said 503',
    });

    // New requests see the new generation, and a re-added 'b' starts from scratch.
    expect(h.router.pick(G, { estimatedTokens: 0, exclude: ['a'] })).toBeNull();
    h.registry.replace({ groups: [group(G)], deployments: [deployment('a'), deployment('b')] });
    expect(h.router.deploymentState('b')).toMatchObject({ rpmUsed: 0, latencyMs: null, inFlight: 0 });
  });
});

describe('Router.expectedSplit and deploymentState', () => {
  const split = (strategy: Parameters<typeof group>[1], deployments: RoutedDeployment[]) => {
    const h = harness({ groups: [group(G, strategy)], deployments });
    return { h, shares: () => h.router.expectedSplit(G) };
  };

  it('follows weights for weighted-shuffle and is equal for round-robin and least-busy', () => {
    const weighted = [
      deployment('a', { weight: 5 }),
      deployment('b', { weight: 3 }),
      deployment('c', { weight: 2 }),
    ];
    expect(split({ strategy: 'weighted-shuffle' }, weighted).shares()).toEqual([
      { deploymentId: 'a', share: 0.5 },
      { deploymentId: 'b', share: 0.3 },
      { deploymentId: 'c', share: 0.2 },
    ]);
    for (const strategy of ['round-robin', 'least-busy'] as const) {
      expect(
        split({ strategy }, weighted)
          .shares()
          .map((s) => s.share),
      ).toEqual([1 / 3, 1 / 3, 1 / 3]);
    }
  });

  it('gives everything to the top priority tier, weighted within it', () => {
    const { shares } = split({ strategy: 'priority' }, [
      deployment('a', { priority: 0, weight: 3 }),
      deployment('b', { priority: 0, weight: 1 }),
      deployment('c', { priority: 1, weight: 10 }),
    ]);
    expect(shares()).toEqual([
      { deploymentId: 'a', share: 0.75 },
      { deploymentId: 'b', share: 0.25 },
      { deploymentId: 'c', share: 0 },
    ]);
  });

  it('follows capacity for usage-based and the fastest deployment for lowest-latency', () => {
    const usage = split({ strategy: 'usage-based' }, [
      deployment('a', { rpmLimit: 100 }),
      deployment('b', { rpmLimit: 300 }),
    ]);
    expect(usage.shares().map((s) => s.share)).toEqual([0.25, 0.75]);

    const latency = split({ strategy: 'lowest-latency' }, [deployment('a'), deployment('b')]);
    expect(latency.shares().map((s) => s.share)).toEqual([0.5, 0.5]);
    latency.h.state.recordSuccess('a', { latencyMs: 300 }, T0);
    latency.h.state.recordSuccess('b', { latencyMs: 100 }, T0);
    expect(latency.shares().map((s) => s.share)).toEqual([0, 1]);
  });

  it('returns [] for an unknown group and null state for an unknown deployment', () => {
    const h = harness({
      groups: [group(G)],
      deployments: [deployment('a'), deployment('off', { enabled: false })],
    });
    expect(h.router.expectedSplit('nope')).toEqual([]);
    expect(h.router.expectedSplit(G)).toEqual([{ deploymentId: 'a', share: 1 }]);
    expect(h.router.deploymentState('nope')).toBeNull();
    expect(h.router.deploymentState('off')).toMatchObject({ healthy: true, inFlight: 0 });
  });
});

function fail500Error() {
  return {
    kind: 'server',
    status: 500,
    retryable: true,
    cooldown: false,
    retryAfterMs: null,
    message: 'boom',
  };
}

/**
 * Stands in for another instance's traffic on shared counters: `taken` is what every instance together
 * counted this minute; `reserve` and `claimNext` check and count on it like the Redis scripts do.
 */
class SharedLikeCounters extends InMemoryUsageCounters {
  readonly taken = new Map<string, number>();
  readonly calls: string[] = [];
  cursorAway = false;
  private cursor = '';

  async reserve(id: string, limits: { rpm: number | null }): Promise<boolean> {
    this.calls.push(`reserve ${id}`);
    const used = this.taken.get(id) ?? 0;
    if (limits.rpm !== null && used >= limits.rpm) return false;
    this.taken.set(id, used + 1);
    return true;
  }

  unreserve(id: string): void {
    this.calls.push(`unreserve ${id}`);
    this.taken.set(id, (this.taken.get(id) ?? 1) - 1);
  }

  async claimNext(_group: string, candidates: readonly RoutedDeployment[]) {
    this.calls.push(`claimNext ${candidates.map((d) => d.id).join(',')}`);
    if (this.cursorAway) return undefined;
    const start = Math.max(
      0,
      candidates.findIndex((d) => d.id > this.cursor),
    );
    for (let step = 0; step < candidates.length; step++) {
      const d = candidates[(start + step) % candidates.length];
      if (await this.reserve(d.id, { rpm: d.rpmLimit })) {
        this.cursor = d.id;
        return d;
      }
    }
    return null;
  }
}

describe('Router on shared counters', () => {
  const setup = (strategy: 'round-robin' | 'priority', ...deployments: RoutedDeployment[]) => {
    const counters = new SharedLikeCounters();
    const router = new Router({
      registry: new RouterRegistry({ groups: [group(G, { strategy })], deployments }),
      counters,
      random: () => 0,
    });
    return { counters, router };
  };
  const answer = async () => ok('x');

  it('uses the prepared claim as the first attempt without reserving again', async () => {
    const { counters, router } = setup('priority', deployment('a', { rpmLimit: 5 }), deployment('b'));
    const prepared = router.prepare(G, { estimatedTokens: 0 });
    expect(prepared).not.toBeNull();
    const out = await router.execute(G, { estimatedTokens: 0 }, answer, prepared);
    expect(out.ok && out.deployment.id).toBe('a');
    expect(counters.calls).toEqual(['reserve a']);
    prepared!.cancel(); // taken: nothing to give back
    await Promise.resolve();
    expect(counters.calls).toEqual(['reserve a']);
    router.dispose();
  });

  it('gives the reservation back when the request is refused before it runs', async () => {
    const { counters, router } = setup('priority', deployment('a', { rpmLimit: 5 }));
    router.prepare(G, { estimatedTokens: 0 })!.cancel();
    await new Promise((resolve) => setImmediate(resolve));
    expect(counters.calls).toEqual(['reserve a', 'unreserve a']);
    expect(counters.taken.get('a')).toBe(0);
    router.dispose();
  });

  it('skips a deployment full on the shared count without spending an attempt', async () => {
    const { counters, router } = setup(
      'priority',
      deployment('a', { rpmLimit: 1 }),
      deployment('b', { priority: 1 }),
    );
    counters.taken.set('a', 1); // another instance used a's minute
    const out = await router.execute(G, { estimatedTokens: 0 }, answer);
    expect(out.ok && out.deployment.id).toBe('b');
    expect(out.attempts.map((a) => a.deploymentId)).toEqual(['b']);
    expect(counters.calls).toEqual(['reserve a', 'reserve b']);
    router.dispose();
  });

  it('rotates round robin on the shared cursor, and on its own when the cursor is away', async () => {
    const { counters, router } = setup('round-robin', deployment('a'), deployment('b'), deployment('c'));
    const picks: string[] = [];
    for (let i = 0; i < 4; i++) {
      const out = await router.execute(G, { estimatedTokens: 0 }, answer);
      if (out.ok) picks.push(out.deployment.id);
    }
    expect(picks).toEqual(['a', 'b', 'c', 'a']);
    expect(counters.calls.filter((c) => c.startsWith('claimNext'))).toHaveLength(4);

    counters.cursorAway = true;
    counters.calls.length = 0;
    const out = await router.execute(G, { estimatedTokens: 0 }, answer);
    expect(out.ok).toBe(true);
    expect(counters.calls).toEqual(['claimNext a,b,c', `reserve ${out.ok ? out.deployment.id : '?'}`]);
    router.dispose();
  });
});
