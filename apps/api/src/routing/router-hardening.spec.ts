import { type HttpFailure, httpFailure } from './failure-http';
import type { AttemptContext, AttemptResult, ExecuteOutcome, RoutedDeployment } from './routing.types';
import { deployment, fail, group, harness, ok } from './testing/routing-fixtures';

/** Issue #9: one request must not take a model group offline. */

const G = 'gpt-4.1';

function recorder<T>(answer: (d: RoutedDeployment, ctx: AttemptContext) => AttemptResult<T>) {
  const calls: string[] = [];
  const fn = async (d: RoutedDeployment, ctx: AttemptContext): Promise<AttemptResult<T>> => {
    calls.push(d.id);
    return answer(d, ctx);
  };
  return { fn, calls };
}

/** The failure with the HTTP answer the gateway makes of it. */
function failed<T>(out: ExecuteOutcome<T>): Extract<ExecuteOutcome<T>, { ok: false }> & HttpFailure {
  if (out.ok) throw new Error(`expected a failure, got a success on ${out.deployment.id}`);
  return { ...out, ...httpFailure(out) };
}

const unsupportedRoute = () =>
  fail(404, { kind: 'unsupported_route', retryable: true, cooldown: false, message: 'Not Found' });

describe('a route the upstream lacks', () => {
  const three = () =>
    harness({
      groups: [group(G, { allowedFails: 0 })],
      deployments: ['a', 'b', 'c'].map((id) =>
        deployment(id, { capabilities: ['chat', 'completions', 'embeddings', 'audio.speech'] }),
      ),
    });

  it('answers 404 unsupported_endpoint once every deployment said 404, and benches none of them', async () => {
    const h = three();
    const speech = recorder(() => unsupportedRoute());
    const out = failed(
      await h.router.execute(G, { estimatedTokens: 0, capability: 'audio.speech' }, speech.fn),
    );
    expect(out).toMatchObject({ status: 404, code: 'unsupported_endpoint' });
    expect(speech.calls.sort()).toEqual(['a', 'b', 'c']);
    for (const id of ['a', 'b', 'c']) expect(h.router.deploymentState(id)?.healthy).toBe(true);

    // Chat still goes everywhere; speech is not tried again (answered at once, no upstream call).
    const chat = recorder(() => ok('hi'));
    for (let i = 0; i < 30; i++) {
      expect((await h.router.execute(G, { estimatedTokens: 0, capability: 'chat' }, chat.fn)).ok).toBe(true);
    }
    expect(new Set(chat.calls)).toEqual(new Set(['a', 'b', 'c']));
    const again = recorder(() => unsupportedRoute());
    const second = failed(
      await h.router.execute(G, { estimatedTokens: 0, capability: 'audio.speech' }, again.fn),
    );
    expect(second.code).toBe('unsupported_endpoint');
    expect(again.calls).toEqual([]);
  });

  it('sends a capability only where it is declared', async () => {
    const h = harness({
      groups: [group(G)],
      deployments: [
        deployment('chat-only', { capabilities: ['chat'] }),
        deployment('embedder', { capabilities: ['embeddings'] }),
      ],
    });
    const emb = recorder(() => ok('vec'));
    for (let i = 0; i < 10; i++)
      await h.router.execute(G, { estimatedTokens: 0, capability: 'embeddings' }, emb.fn);
    expect(new Set(emb.calls)).toEqual(new Set(['embedder']));
    const none = failed(
      await h.router.execute(G, { estimatedTokens: 0, capability: 'rerank' }, recorder(() => ok('x')).fn),
    );
    expect(none).toMatchObject({ status: 404, code: 'unsupported_endpoint' });
  });

  it('still fails over and benches a deployment whose upstream says its model does not exist', async () => {
    const h = three();
    const seen = recorder((d) => (d.id === 'a' ? fail(404) : ok('hi')));
    h.clock.advance(0);
    let firstOnA = false;
    for (let i = 0; i < 10 && !firstOnA; i++) {
      seen.calls.length = 0;
      const out = await h.router.execute(G, { estimatedTokens: 0, capability: 'chat' }, seen.fn);
      expect(out.ok).toBe(true);
      firstOnA = seen.calls[0] === 'a';
    }
    expect(firstOnA).toBe(true);
    expect(h.router.deploymentState('a')?.healthy).toBe(false);
  });

  it('keeps a deployment in rotation when its provider cannot express one request', async () => {
    const h = harness({
      groups: [group(G, { strategy: 'priority', allowedFails: 0 })],
      deployments: [deployment('anthropic', { priority: 0 }), deployment('openai', { priority: 1 })],
    });
    const refusal = () =>
      fail(400, {
        kind: 'provider_unsupported',
        retryable: true,
        cooldown: false,
        message: 'no user message',
      });
    const run = recorder((d) => (d.id === 'anthropic' ? refusal() : ok('hi')));
    for (let i = 0; i < 3; i++) {
      const out = await h.router.execute(G, { estimatedTokens: 0, capability: 'chat' }, run.fn);
      expect(out.ok && out.deployment.id).toBe('openai');
    }
    expect(h.router.deploymentState('anthropic')?.healthy).toBe(true);
    // Alone, the refusal is the client's answer: a 4xx with the provider's reason, not an outage.
    const solo = harness({ groups: [group(G)], deployments: [deployment('anthropic')] });
    const out = failed(await solo.router.execute(G, { estimatedTokens: 0 }, async () => refusal()));
    expect(out).toMatchObject({ status: 400, code: 'unsupported_request', message: 'no user message' });
  });
});

describe('cooldowns', () => {
  it('caps a huge Retry-After at the group maximum', async () => {
    const h = harness({ groups: [group(G, { maxCooldownSeconds: 300 })], deployments: [deployment('a')] });
    await h.router.execute(G, { estimatedTokens: 0 }, async () => fail(429, { retryAfterMs: 86_400_000 }));
    const until = h.router.deploymentState('a')?.cooldownUntil ?? 0;
    expect(until - h.clock.now()).toBeGreaterThan(0);
    expect(until - h.clock.now()).toBeLessThanOrEqual(300_000);
  });

  it('caps the configured cooldown too', async () => {
    const h = harness({
      groups: [group(G, { cooldownSeconds: 3600, maxCooldownSeconds: 60, allowedFails: 0 })],
      deployments: [deployment('a')],
    });
    await h.router.execute(G, { estimatedTokens: 0 }, async () => fail(401));
    expect((h.router.deploymentState('a')?.cooldownUntil ?? 0) - h.clock.now()).toBe(60_000);
  });

  it('clearCooldown puts a benched deployment back into rotation at once', async () => {
    const h = harness({ groups: [group(G)], deployments: [deployment('a')] });
    await h.router.execute(G, { estimatedTokens: 0 }, async () => fail(429, { retryAfterMs: 60_000 }));
    expect(h.router.deploymentState('a')?.healthy).toBe(false);
    h.router.clearCooldown('a');
    expect(h.router.deploymentState('a')?.healthy).toBe(true);
    expect((await h.router.execute(G, { estimatedTokens: 0 }, async () => ok('back'))).ok).toBe(true);
  });
});

describe('when every deployment fails', () => {
  it('answers a 500 from every upstream as 502 upstream_error', async () => {
    const h = harness({
      groups: [group(G, { numRetries: 2 })],
      deployments: ['a', 'b', 'c'].map((id) => deployment(id)),
    });
    const out = failed(await h.router.execute(G, { estimatedTokens: 0 }, async () => fail(500)));
    expect(out).toMatchObject({ status: 502, code: 'upstream_error' });
  });

  it('says when to retry whenever a deployment is cooling down', async () => {
    const h = harness({
      groups: [group(G, { numRetries: 1, cooldownSeconds: 30 })],
      deployments: [deployment('a'), deployment('b')],
    });
    const out = failed(
      await h.router.execute(G, { estimatedTokens: 0 }, async (d) => (d.id === 'a' ? fail(401) : fail(500))),
    );
    expect(out.status).toBeGreaterThanOrEqual(500);
    expect(out.retryAfterMs).toBe(30_000);
  });
});
